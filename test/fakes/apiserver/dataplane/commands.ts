// The commands lab probes run, simulated against the fake cluster: nc (netcat-openbsd), curl,
// wget and telnet (busybox), dig and nslookup (bind), plus the bits of `sh -c` around them (;, &&,
// ||, pipes into grep, redirections, `$?`, BusyBox's timeout, sleep, echo, exit). Output and exit codes follow the
// real tools; waits are scaled by the scenario's probeScale. A command runs all at once when its
// pod starts, on a clock of its own: what it waits (sleep, nc -w, curl -m …, unscaled) moves that
// clock on, and each connection asks the data plane for the moment it would happen on a real
// node (Source.at), so `nc …; sleep 1; nc …` sees a policy or a new pod taken in meanwhile.
import type { ProbeOverride } from '../../scenario.ts';
import type { SimContext } from '../sim/context.ts';
import { type Json, type KObj, ipToInt } from '../util.ts';
import { httpExchange, reasonPhrase } from './http.ts';
import { ARP_GIVE_UP_MS, type Answer, CLUSTER_DNS, type Source, connect, defaultNameserver, lookup, searchList } from './net.ts';

interface Chunk {
  fd: 1 | 2;
  text: string;
}

export interface CmdResult {
  exitCode: number;
  out: Chunk[];
  durationMs: number;
  longRunning?: boolean;
  /** What the command waited on a real node (sleep, a timeout), unscaled: moves the command's clock. */
  waitedMs?: number;
  /** `exit`: the shell stops here. */
  exited?: boolean;
}

interface Env {
  ctx: SimContext;
  src: Source;
  scale: number;
  hostname: string;
  /** When the command started (ms since the epoch), and how far its own clock has moved since. */
  t0: number;
  clockMs: number;
  /** The container keeps stdin open (`stdin: true`, as `kubectl run -i` sets it); otherwise stdin is /dev/null. */
  stdinOpen?: boolean;
}

/** The source as it is at this point of the command: its connections happen at t0 + clockMs. */
const srcNow = (env: Env): Source => ({ ...env.src, at: env.t0 + env.clockMs });

const ok = (out: Chunk[] = [], durationMs = 1): CmdResult => ({ exitCode: 0, out, durationMs });
const o = (text: string): Chunk => ({ fd: 1, text });
const e = (text: string): Chunk => ({ fd: 2, text });

// ───────────── shell ─────────────

type Tok = { t: 'word'; v: string } | { t: 'op'; v: string } | { t: 'redir'; v: string; target: string };

function tokenize(script: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = script.length;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
  while (i < n) {
    const c = script[i] ?? '';
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      toks.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if (c === ';' || c === '|' || c === '\n') {
      toks.push({ t: 'op', v: c === '\n' ? ';' : c });
      i++;
      continue;
    }
    const redir = /^(\d?>&\d|&>|\d?>>?|<)/.exec(script.slice(i));
    if (redir) {
      const op = redir[1] ?? '>';
      i += op.length;
      if (op.includes('&') && /\d$/.test(op)) {
        toks.push({ t: 'redir', v: op, target: '' });
        continue;
      }
      while (isSpace(script[i])) i++;
      let target = '';
      while (i < n && !isSpace(script[i]) && !';|&\n'.includes(script[i] ?? '')) target += script[i++];
      toks.push({ t: 'redir', v: op, target });
      continue;
    }
    let word = '';
    while (i < n) {
      const ch = script[i] ?? '';
      if (isSpace(ch) || ';|&\n'.includes(ch)) break;
      if (ch === "'") {
        const end = script.indexOf("'", i + 1);
        word += script.slice(i + 1, end < 0 ? n : end);
        i = end < 0 ? n : end + 1;
      } else if (ch === '"') {
        i++;
        while (i < n && script[i] !== '"') {
          if (script[i] === '\\' && i + 1 < n && '"\\$`'.includes(script[i + 1] ?? '')) i++;
          word += script[i++];
        }
        i++;
      } else if (ch === '\\' && i + 1 < n) {
        word += script[i + 1];
        i += 2;
      } else word += script[i++];
    }
    toks.push({ t: 'word', v: word });
  }
  return toks;
}

interface Simple {
  words: string[];
  redirs: { v: string; target: string }[];
}

function applyRedirs(r: CmdResult, redirs: { v: string; target: string }[]): CmdResult {
  const target: Record<number, 'out' | 'err' | 'null'> = { 1: 'out', 2: 'err' };
  for (const rd of redirs) {
    if (rd.v === '<') continue; // stdin: see stdinClosed
    const dup = /^(\d)?>&(\d)$/.exec(rd.v);
    if (dup) {
      target[Number(dup[1] ?? 1)] = target[Number(dup[2])] ?? 'out';
    } else if (rd.v === '&>') {
      target[1] = 'null';
      target[2] = 'null';
    } else {
      const fd = Number(/^(\d)/.exec(rd.v)?.[1] ?? 1);
      target[fd] = 'null';
    }
  }
  const out: Chunk[] = [];
  for (const c of r.out) {
    const t = target[c.fd];
    if (t === 'out') out.push({ fd: 1, text: c.text });
    else if (t === 'err') out.push({ fd: 2, text: c.text });
  }
  return { ...r, out };
}

function runScript(env: Env, script: string): CmdResult {
  const toks = tokenize(script);
  // Split into pipelines joined by ; && ||.
  type Pipeline = { cmds: Simple[]; joiner: string };
  const pipes: Pipeline[] = [];
  let cur: Simple[] = [{ words: [], redirs: [] }];
  const flush = (joiner: string) => {
    pipes.push({ cmds: cur.filter((c) => c.words.length), joiner });
    cur = [{ words: [], redirs: [] }];
  };
  for (const t of toks) {
    const last = cur[cur.length - 1] as Simple;
    if (t.t === 'word') last.words.push(t.v);
    else if (t.t === 'redir') last.redirs.push({ v: t.v, target: t.target });
    else if (t.v === '|') cur.push({ words: [], redirs: [] });
    else flush(t.v);
  }
  flush(';');
  let result: CmdResult = ok([], 0);
  let skip = false;
  for (let k = 0; k < pipes.length; k++) {
    const p = pipes[k] as Pipeline;
    if (!skip && p.cmds.length) {
      // `$?`: the exit code of the pipeline before (the only parameter the probes use).
      const status = String(result.exitCode);
      const cmds = p.cmds.map((c) => ({ ...c, words: c.words.map((w) => w.replace(/\$\?/g, status)) }));
      const r = runPipeline(env, cmds);
      env.clockMs += r.waitedMs ?? 0;
      result = { exitCode: r.exitCode, out: [...result.out, ...r.out], durationMs: result.durationMs + r.durationMs, longRunning: r.longRunning, waitedMs: (result.waitedMs ?? 0) + (r.waitedMs ?? 0) };
      if (r.longRunning) break;
      // `exit` ends the shell (in a pipeline it would only end its own subshell).
      if (r.exited && p.cmds.length === 1) break;
    }
    const joiner = p.joiner;
    skip = (joiner === '&&' && result.exitCode !== 0) || (joiner === '||' && result.exitCode === 0);
  }
  return result;
}

function runPipeline(env: Env, cmds: Simple[]): CmdResult {
  let stdin = '';
  let total: CmdResult = ok([], 0);
  cmds.forEach((c, i) => {
    // stdin ends at once when it is redirected or piped, or the container has none (/dev/null).
    const r = applyRedirs(runSimple(env, c.words, stdin, !env.stdinOpen || i > 0 || c.redirs.some((rd) => rd.v === '<')), c.redirs);
    const isLast = i === cmds.length - 1;
    stdin = r.out.filter((x) => x.fd === 1).map((x) => x.text).join('');
    total = {
      exitCode: r.exitCode,
      out: [...total.out, ...(isLast ? r.out : r.out.filter((x) => x.fd === 2))],
      durationMs: total.durationMs + r.durationMs,
      longRunning: total.longRunning || r.longRunning,
      waitedMs: Math.max(total.waitedMs ?? 0, r.waitedMs ?? 0),
      exited: !!r.exited,
    };
  });
  return total;
}

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function runArgv(env: Env, argv: string[]): CmdResult {
  if (argv.length === 0) return { ...ok(), longRunning: true };
  const [cmd = '', ...rest] = argv;
  if (['sh', 'bash', 'ash', 'zsh'].includes(basename(cmd))) {
    const i = rest.findIndex((a) => a === '-c' || /^-[a-z]*c$/.test(a));
    return i >= 0 ? runScript(env, rest[i + 1] ?? '') : { ...ok(), longRunning: true };
  }
  return runSimple(env, argv, '', !env.stdinOpen);
}

function seconds(v: string | undefined, fallback: number): number {
  const n = Number(String(v ?? '').replace(/s$/, ''));
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** `stdinClosed`: the command reads end-of-file at once (`</dev/null`, a pipe); else it would wait for the learner's keys. */
function runSimple(env: Env, words: string[], stdin: string, stdinClosed = false): CmdResult {
  const [cmd = '', ...args] = words;
  switch (basename(cmd)) {
    case 'echo': {
      const noNl = args[0] === '-n';
      const text = (noNl ? args.slice(1) : args).join(' ');
      return ok([o(noNl ? text : `${text}\n`)]);
    }
    case 'true':
      return ok();
    case 'false':
      return { exitCode: 1, out: [], durationMs: 0 };
    case 'exit':
      return { exitCode: Number(args[0] ?? 0) || 0, out: [], durationMs: 0, exited: true };
    case 'hostname':
      return ok([o(`${env.hostname}\n`)]);
    case 'sleep': {
      if (args[0] === 'infinity' || seconds(args[0], 0) >= 60) return { ...ok(), longRunning: true };
      return { ...ok([], seconds(args[0], 0) * 1000 * env.scale), waitedMs: seconds(args[0], 0) * 1000 };
    }
    case 'cat':
      if (args[0] === '/etc/resolv.conf') {
        const search = searchList(env.src);
        return ok([o(`${search.length ? `search ${search.join(' ')}\n` : ''}nameserver ${defaultNameserver(env.src)}\noptions ndots:${env.src.inCluster ? 5 : 0}\n`)]);
      }
      return args.length ? { exitCode: 1, out: [e(`cat: can't open '${args[0]}': No such file or directory\n`)], durationMs: 0 } : ok([o(stdin)]);
    case 'grep':
      return grep(args, stdin);
    case 'head':
    case 'tail':
      return ok([o(stdin)]);
    case 'timeout': {
      let k = 0;
      while ((args[k] ?? '').startsWith('-')) k += args[k] === '-s' || args[k] === '-k' ? 2 : 1;
      // BusyBox's timeout (netshoot, curlimages/curl and busybox are Alpine or BusyBox; none has
      // coreutils): it ends the command with SIGTERM, so the shell sees 143, not GNU's 124, and a
      // killed program's buffered stdout is lost.
      const limit = seconds(args[k], 10) * 1000 * env.scale;
      const inner = runSimple(env, args.slice(k + 1), stdin, stdinClosed);
      if (inner.longRunning || inner.durationMs > limit) return { exitCode: 143, out: [], durationMs: limit, waitedMs: seconds(args[k], 10) * 1000 };
      return inner;
    }
    case 'nc':
    case 'netcat':
      return nc(env, args);
    case 'telnet':
      return telnet(env, args, stdinClosed);
    case 'curl':
      return curl(env, args);
    case 'wget':
      return wget(env, args);
    case 'dig':
      return dig(env, args);
    case 'nslookup':
      return nslookup(env, args);
    default:
      return { exitCode: 127, out: [e(`sh: ${cmd}: not found\n`)], durationMs: 0 };
  }
}

function grep(args: string[], stdin: string): CmdResult {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const pattern = args.find((a) => !a.startsWith('-')) ?? '';
  const re = new RegExp(pattern, flags.includes('i') ? 'i' : '');
  const lines = stdin.split('\n').filter((l) => l !== '');
  const hits = lines.filter((l) => (flags.includes('v') ? !re.test(l) : re.test(l)));
  const out = flags.includes('q') ? [] : flags.includes('c') ? [o(`${hits.length}\n`)] : hits.map((l) => o(`${l}\n`));
  return { exitCode: hits.length ? 0 : 1, out, durationMs: 0 };
}

// ───────────── option parsing shared by the tools ─────────────

interface Parsed {
  flags: Set<string>;
  values: Map<string, string[]>;
  positional: string[];
}

/** getopt-ish: `valued` lists short and long options that take a value ("w", "max-time"). */
function parseOpts(args: string[], valued: string[], aliases: Record<string, string> = {}): Parsed {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const add = (k: string, v: string) => values.set(aliases[k] ?? k, [...(values.get(aliases[k] ?? k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('--') && a.length > 2) {
      const [k, v] = a.slice(2).split(/=(.*)/s);
      const key = k ?? '';
      if (valued.includes(key)) add(key, v ?? args[++i] ?? '');
      else flags.add(aliases[key] ?? key);
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j] ?? '';
        if (valued.includes(ch)) {
          add(ch, j + 1 < a.length ? a.slice(j + 1) : (args[++i] ?? ''));
          break;
        }
        flags.add(aliases[ch] ?? ch);
      }
    } else positional.push(a);
  }
  return { flags, values, positional };
}

function dnsFailure(a: Answer): 'nxdomain' | 'timeout' | null {
  return a.kind === 'NXDOMAIN' ? 'nxdomain' : a.kind === 'TIMEOUT' ? 'timeout' : a.ips.length ? null : 'nxdomain';
}

/** DNS wait before the resolver gives up (5 s × 2 attempts in musl), scaled. */
function dnsWait(env: Env): number {
  return 10_000 * env.scale;
}

// ───────────── nc (netcat-openbsd) ─────────────

const SERVICES: Record<number, string> = { 21: 'ftp', 22: 'ssh', 25: 'smtp', 53: 'domain', 80: 'http', 443: 'https', 3306: 'mysql', 5432: 'postgresql', 6379: 'redis', 8080: 'http-alt' };

function nc(env: Env, args: string[]): CmdResult {
  const p = parseOpts(args, ['w', 'p', 's', 'X', 'x', 'q', 'i', 'I', 'O', 'T', 'V', 'M', 'm']);
  const [host = '', portText = ''] = p.positional;
  const port = Number(portText.split('-')[0]);
  const verbose = p.flags.has('v');
  const proto = p.flags.has('u') ? 'udp' : 'tcp';
  const waitMs = seconds(p.values.get('w')?.[0], 130) * 1000 * env.scale;
  if (!host || !Number.isInteger(port)) return { exitCode: 1, out: [e('usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n')], durationMs: 0 };
  let ip = host;
  let spent = 0;
  if (ipToInt(host) === null) {
    const a = lookup(env.ctx, srcNow(env), host, { search: true });
    const fail = dnsFailure(a);
    if (fail) {
      return { exitCode: 1, out: [e(`nc: getaddrinfo for host "${host}" port ${portText}: ${fail === 'timeout' ? 'Try again' : 'Name does not resolve'}\n`)], durationMs: fail === 'timeout' ? dnsWait(env) : 1, ...(fail === 'timeout' ? { waitedMs: dnsWait(env) / env.scale } : {}) };
    }
    ip = (a as { ips: string[] }).ips[0] ?? host;
    spent = 1;
  }
  const svc = SERVICES[port] ?? '*';
  if (proto === 'udp') return ok(verbose ? [e(`Connection to ${host} ${port} port [udp/${svc}] succeeded!\n`)] : [], spent + 1);
  const c = connect(env.ctx, srcNow(env), ip, port, 'TCP');
  if (c.kind === 'open') return ok(verbose ? [e(`Connection to ${host} ${port} port [tcp/${svc}] succeeded!\n`)] : [], spent + 2);
  if (c.kind === 'refused') return { exitCode: 1, out: verbose ? [e(`nc: connect to ${host} port ${port} (tcp) failed: Connection refused\n`)] : [], durationMs: spent + 1 };
  if (c.kind === 'unreachable' && waitMs / env.scale > ARP_GIVE_UP_MS) {
    return { exitCode: 1, out: verbose ? [e(`nc: connect to ${host} port ${port} (tcp) failed: No route to host\n`)] : [], durationMs: spent + ARP_GIVE_UP_MS * env.scale, waitedMs: ARP_GIVE_UP_MS };
  }
  return { exitCode: 1, out: verbose ? [e(`nc: connect to ${host} port ${port} (tcp) timed out: Operation now in progress\n`)] : [], durationMs: spent + waitMs, waitedMs: waitMs / env.scale };
}

// ───────────── telnet (busybox-extras) ─────────────

/** How long Linux retries a SYN nobody answers before connect() fails (tcp_syn_retries 6). */
const SYN_GIVE_UP_MS = 127_000;

/**
 * BusyBox's telnet: `telnet HOST [PORT]` or `telnet HOST:PORT` (the book's form). It prints
 * `Connected to HOST` as HOST was typed, with no "Trying" or "Escape character" lines, and then
 * copies the terminal to the connection until either side ends: at once when stdin is at its end.
 */
function telnet(env: Env, args: string[], stdinClosed: boolean): CmdResult {
  const p = parseOpts(args, ['l']);
  const [target = '', portArg] = p.positional;
  const colon = portArg === undefined && /^[^:]+:\d+$/.test(target) ? target.lastIndexOf(':') : -1;
  const host = colon >= 0 ? target.slice(0, colon) : target;
  const port = Number(colon >= 0 ? target.slice(colon + 1) : (portArg ?? '23'));
  if (!host || !Number.isInteger(port)) return { exitCode: 1, out: [e('BusyBox v1.37.0 multi-call binary.\n\nUsage: telnet [-a] [-l USER] HOST [PORT]\n\nConnect to telnet server\n')], durationMs: 0 };
  let ip = host;
  if (ipToInt(host) === null) {
    const a = lookup(env.ctx, srcNow(env), host, { search: true });
    const fail = dnsFailure(a);
    if (fail) return { exitCode: 1, out: [e(`telnet: bad address '${host}'\n`)], durationMs: fail === 'timeout' ? dnsWait(env) : 1, ...(fail === 'timeout' ? { waitedMs: dnsWait(env) / env.scale } : {}) };
    ip = (a as { ips: string[] }).ips[0] ?? host;
  }
  const c = connect(env.ctx, srcNow(env), ip, port, 'TCP');
  const cannot = (why: string, ms: number): CmdResult => ({ exitCode: 1, out: [e(`telnet: can't connect to remote host (${ip}): ${why}\n`)], durationMs: ms * env.scale, waitedMs: ms });
  // As typed: `telnet 10.240.189.141:5432` prints "Connected to 10.240.189.141:5432", as in the book.
  const connected = ok([o(`Connected to ${target}\n`)], 2);
  if (c.kind === 'open') return stdinClosed ? connected : { ...connected, longRunning: true };
  if (c.kind === 'refused') return cannot('Connection refused', 1);
  if (c.kind === 'unreachable') return cannot('No route to host', ARP_GIVE_UP_MS);
  return cannot('Connection timed out', SYN_GIVE_UP_MS);
}

// ───────────── HTTP clients ─────────────

interface Url {
  scheme: string;
  host: string;
  port: number;
  path: string;
}

function parseUrl(text: string): Url | null {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const u = new URL(withScheme);
    const scheme = u.protocol.replace(':', '');
    return { scheme, host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80, path: `${u.pathname}${u.search}` || '/' };
  } catch {
    return null;
  }
}

function resolveHost(env: Env, host: string, port: number, resolves: string[]): { ip: string } | { fail: 'nxdomain' | 'timeout' } {
  for (const r of resolves) {
    const [h, p, addr] = r.split(':');
    if (h === host && Number(p) === port && addr) return { ip: addr };
  }
  if (ipToInt(host) !== null) return { ip: host };
  const a = lookup(env.ctx, srcNow(env), host, { search: true });
  const fail = dnsFailure(a);
  return fail ? { fail } : { ip: (a as { ips: string[] }).ips[0] ?? host };
}

function writeOut(fmt: string, vars: Record<string, string>): string {
  return fmt
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/%\{(\w+)\}/g, (_m, k: string) => vars[k] ?? '');
}

function curl(env: Env, args: string[]): CmdResult {
  const p = parseOpts(
    args,
    ['m', 'max-time', 'connect-timeout', 'o', 'output', 'w', 'write-out', 'H', 'header', 'X', 'request', 'd', 'data', 'resolve', 'u', 'user', 'A', 'user-agent', 'e', 'retry', 'x', 'proxy'],
    { silent: 's', 'show-error': 'S', fail: 'f', include: 'i', head: 'I', verbose: 'v', insecure: 'k', location: 'L', 'max-time': 'm', output: 'o', 'write-out': 'w', header: 'H', request: 'X' },
  );
  const silent = p.flags.has('s');
  const showError = !silent || p.flags.has('S');
  const url = parseUrl(p.positional[0] ?? '');
  if (!url) return { exitCode: 3, out: showError ? [e('curl: (3) URL rejected: Malformed input to a URL function\n')] : [], durationMs: 0 };
  const maxTime = p.values.get('m')?.[0];
  const connectTimeout = p.values.get('connect-timeout')?.[0];
  const limitS = Math.min(seconds(maxTime, 1e9), seconds(connectTimeout, 1e9), 300);
  const limitMs = limitS * 1000;
  const wfmt = p.values.get('w')?.[0];
  const output = p.values.get('o')?.[0];
  const headers = p.values.get('H') ?? [];
  const hostHeader = headers.find((h) => /^host:/i.test(h))?.split(':').slice(1).join(':').trim() ?? (url.port === (url.scheme === 'https' ? 443 : 80) ? url.host : `${url.host}:${url.port}`);
  const method = p.values.get('X')?.[0] ?? (p.flags.has('I') ? 'HEAD' : 'GET');
  const vars: Record<string, string> = { http_code: '000', response_code: '000', remote_ip: '', remote_port: '', time_total: '0.000000', size_download: '0', url_effective: `${url.scheme}://${url.host}${url.port === 80 || url.port === 443 ? '' : `:${url.port}`}${url.path}`, content_type: '', exitcode: '0', errormsg: '' };
  const finish = (code: number, msg: string, durationMs: number, body: Chunk[] = []): CmdResult => {
    vars.exitcode = String(code);
    vars.errormsg = msg;
    vars.time_total = (durationMs / Math.max(env.scale, 1e-9) / 1000).toFixed(6);
    const out = [...body];
    // curl's stdout is buffered until it exits, its error line is not: in a pod's log the error
    // comes first, then what -w wrote (recorded on a real node).
    if (code !== 0 && showError) out.push(e(`curl: (${code}) ${msg}\n`));
    if (wfmt) out.push(o(writeOut(wfmt, vars)));
    return { exitCode: code, out, durationMs, ...(code === 28 ? { waitedMs: durationMs / env.scale } : {}) };
  };
  const res = resolveHost(env, url.host, url.port, p.values.get('resolve') ?? []);
  if ('fail' in res) return finish(6, `Could not resolve host: ${url.host}`, res.fail === 'timeout' ? dnsWait(env) : 1);
  vars.remote_ip = res.ip;
  vars.remote_port = String(url.port);
  const r = httpExchange(env.ctx, srcNow(env), { ip: res.ip, port: url.port, host: hostHeader, path: url.path, method }, limitMs * env.scale);
  if (r.kind === 'refused') return finish(7, `Failed to connect to ${url.host} port ${url.port} after 0 ms: Couldn't connect to server`, r.durationMs);
  // No ARP answer: curl says the same as for a refusal, only after the kernel's 3 s (recorded).
  if (r.kind === 'unreachable' && limitMs > ARP_GIVE_UP_MS) {
    return { ...finish(7, `Failed to connect to ${url.host} port ${url.port} after ${ARP_GIVE_UP_MS} ms: Couldn't connect to server`, r.durationMs), waitedMs: ARP_GIVE_UP_MS };
  }
  if (r.kind === 'timeout' || r.kind === 'unreachable') {
    return connectTimeout && seconds(connectTimeout, 0) <= seconds(maxTime, 1e9)
      ? finish(28, `Failed to connect to ${url.host} port ${url.port} after ${limitMs + 2} ms: Timeout was reached`, r.durationMs)
      : finish(28, `Connection timed out after ${limitMs + 1} milliseconds`, r.durationMs);
  }
  if (r.kind === 'empty') return finish(52, 'Empty reply from server', r.durationMs);
  if (r.durationMs > limitMs * env.scale) return finish(28, `Operation timed out after ${limitMs + 1} milliseconds with 0 bytes received`, limitMs * env.scale);
  vars.http_code = String(r.status).padStart(3, '0');
  vars.response_code = vars.http_code;
  vars.size_download = String(Buffer.byteLength(r.body));
  vars.content_type = r.headers.find(([k]) => k === 'Content-Type')?.[1] ?? '';
  if (p.flags.has('f') && r.status >= 400) return finish(22, `The requested URL returned error: ${r.status}`, r.durationMs);
  const head = `HTTP/1.1 ${r.status} ${reasonPhrase(r.status)}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const show = (p.flags.has('i') || p.flags.has('I') ? head : '') + (p.flags.has('I') ? '' : r.body);
  const body = output && output !== '-' ? [] : [o(show)];
  return finish(0, '', r.durationMs, body);
}

function wget(env: Env, args: string[]): CmdResult {
  const p = parseOpts(args, ['O', 'T', 'U', 'header', 'timeout', 'Y', 'o'], { quiet: 'q', timeout: 'T', 'output-document': 'O' });
  const quiet = p.flags.has('q');
  const url = parseUrl(p.positional[0] ?? '');
  if (!url) return { exitCode: 1, out: [e('wget: bad address\n')], durationMs: 0 };
  const limitMs = seconds(p.values.get('T')?.[0], 900) * 1000 * env.scale;
  const res = resolveHost(env, url.host, url.port, []);
  if ('fail' in res) return { exitCode: 1, out: [e(`wget: bad address '${url.host}${url.port === 80 ? '' : `:${url.port}`}'\n`)], durationMs: res.fail === 'timeout' ? dnsWait(env) : 1 };
  const info = quiet ? [] : [e(`Connecting to ${url.host}${url.port === 80 ? '' : `:${url.port}`} (${res.ip}:${url.port})\n`)];
  const hostHeader = (p.values.get('header') ?? []).find((h) => /^host:/i.test(h))?.split(':').slice(1).join(':').trim() ?? url.host;
  const r = httpExchange(env.ctx, srcNow(env), { ip: res.ip, port: url.port, host: hostHeader, path: url.path, method: 'GET' }, limitMs);
  if (r.kind === 'refused') return { exitCode: 1, out: [...info, e(`wget: can't connect to remote host (${res.ip}): Connection refused\n`)], durationMs: 1 };
  if (r.kind === 'unreachable' && limitMs > ARP_GIVE_UP_MS * env.scale) return { exitCode: 1, out: [...info, e(`wget: can't connect to remote host (${res.ip}): No route to host\n`)], durationMs: ARP_GIVE_UP_MS * env.scale };
  if (r.kind === 'timeout' || r.kind === 'unreachable') return { exitCode: 1, out: [...info, e('wget: download timed out\n')], durationMs: limitMs };
  if (r.kind === 'empty') return { exitCode: 1, out: [...info, e('wget: error getting response\n')], durationMs: 1 };
  if (r.status >= 400) return { exitCode: 1, out: [...info, e(`wget: server returned error: HTTP/1.1 ${r.status} ${reasonPhrase(r.status)}\n`)], durationMs: r.durationMs };
  const toStdout = p.values.get('O')?.[0] === '-';
  const out = toStdout ? [o(r.body)] : [];
  if (!quiet) out.push(e(toStdout ? "writing to stdout\n-                    100% |********************************|   615  0:00:00 ETA\nwritten to stdout\n" : `saving to 'index.html'\nindex.html           100% |********************************|   615  0:00:00 ETA\n'index.html' saved\n`));
  return { exitCode: 0, out: [...info, ...out], durationMs: r.durationMs };
}

// ───────────── DNS clients ─────────────

/**
 * One resource record as dig prints it: BIND's master-file columns (TTL at 24, class at 32, type
 * at 40, data at 48; tabs of 8, or one space once a field runs past its column), which gives
 * "nginx-frontend.default.svc.cluster.local. 30 IN\tA 10.96.21.61" and
 * "sql-db.finance.svc.cluster.local. 30 IN\tCNAME\tsqlserver1.foowidgets.com." as recorded.
 */
function digRecord(owner: string, ttl: number, type: string, rdata: string): string {
  let out = owner;
  let col = owner.length;
  const field = (to: number, text: string) => {
    const target = Math.max(to, col + 1);
    const tabs = Math.max(0, Math.floor(target / 8) - Math.floor(col / 8));
    const from = tabs > 0 ? Math.floor(target / 8) * 8 : col;
    out += '\t'.repeat(tabs) + ' '.repeat(target - from) + text;
    col = target + text.length;
  };
  field(24, String(ttl));
  field(32, 'IN');
  field(40, type);
  field(48, rdata);
  return out;
}

function answerLines(a: Answer, type: string): string[] {
  if (a.kind === 'CNAME') {
    return [digRecord(`${a.name}.`, 30, 'CNAME', `${a.target}.`), ...(type === 'A' ? a.ips.map((ip) => digRecord(`${a.target}.`, 30, 'A', ip)) : [])];
  }
  if (a.kind === 'A' && type === 'A') return a.ips.map((ip) => digRecord(`${a.name}.`, 30, 'A', ip));
  return [];
}

/** CoreDNS answers the cluster's own zone itself (aa, no recursion); other names it forwards. */
const authoritative = (name: string) => /(^|\.)cluster\.local\.?$/.test(name);
const cookie = () => Array.from({ length: 16 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

function dig(env: Env, args: string[]): CmdResult {
  let server: string | undefined;
  let name = '';
  let type = 'A';
  const opts = new Set<string>();
  let timeoutS = 5;
  let tries = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('@')) server = a.slice(1);
    else if (a.startsWith('+')) {
      const [k, v] = a.slice(1).split('=');
      if (k === 'time' || k === 'timeout') timeoutS = seconds(v, 5);
      else if (k === 'tries' || k === 'retry') tries = Math.max(1, Number(v) || 1);
      else opts.add(k ?? '');
    } else if (a === '-t') type = (args[++i] ?? 'A').toUpperCase();
    else if (/^(A|AAAA|CNAME|SRV|TXT|MX|NS|SOA|PTR|ANY)$/i.test(a) && name) type = a.toUpperCase();
    else if (!a.startsWith('-')) name = a;
  }
  if (!name) name = '.';
  const srv = server ?? defaultNameserver(env.src);
  const tcp = opts.has('tcp') || opts.has('vc');
  const ans = lookup(env.ctx, srcNow(env), name, { search: opts.has('search'), server: srv, tcp });
  const short = opts.has('short');
  // +noall turns every section off; +answer, +comments … turn single ones back on (dig 9.18).
  const shown = (section: string) => (opts.has('noall') ? opts.has(section) : !opts.has(`no${section}`));
  const banner = !opts.has('noall') && !short;
  if (ans.kind === 'TIMEOUT') {
    // An ICMP port-unreachable ends each try at once; silence waits out +time.
    const wait = ans.refused ? 2 : timeoutS * tries * 1000 * env.scale;
    const why = ans.refused ? 'connection refused' : 'timed out';
    const line = tcp ? `;; Connection to ${srv}#53(${srv}) for ${name} failed: ${why}.\n` : `;; communications error to ${srv}#53: ${why}\n`;
    const lines = Array.from({ length: tries }, () => line);
    return { exitCode: 9, out: [o(lines.join('') + (banner ? `\n; <<>> DiG 9.20.15 <<>> ${args.join(' ')}\n;; global options: +cmd\n` : '') + ';; no servers could be reached\n')], durationMs: wait, ...(ans.refused ? {} : { waitedMs: timeoutS * tries * 1000 }) };
  }
  const answers = answerLines(ans, type);
  if (short) {
    const lines = ans.kind === 'CNAME' ? [`${ans.target}.`, ...(type === 'A' ? ans.ips : [])] : ans.kind === 'A' && type === 'A' ? ans.ips : [];
    return ok(lines.map((l) => o(`${l}\n`)), 2);
  }
  const status = ans.kind === 'NXDOMAIN' ? 'NXDOMAIN' : 'NOERROR';
  const aa = authoritative(ans.name);
  const authority = aa && (ans.kind === 'NXDOMAIN' || answers.length === 0) ? [digRecord('cluster.local.', 30, 'SOA', 'ns.dns.cluster.local. hostmaster.cluster.local. 1763990000 7200 1800 86400 30')] : [];
  const comments = shown('comments')
    ? [
        ';; Got answer:',
        ...(/\.local\.?$/.test(ans.name) ? [';; WARNING: .local is reserved for Multicast DNS', ';; You are currently testing what happens when an mDNS query is leaked to DNS'] : []),
        `;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: ${10000 + Math.floor(Math.random() * 50000)}`,
        `;; flags: qr ${aa ? 'aa rd' : 'rd ra'}; QUERY: 1, ANSWER: ${answers.length}, AUTHORITY: ${authority.length}, ADDITIONAL: 1`,
        ...(aa ? [';; WARNING: recursion requested but not available'] : []),
        '',
        ';; OPT PSEUDOSECTION:',
        '; EDNS: version: 0, flags:; udp: 1232',
        `; COOKIE: ${cookie()} (echoed)`,
      ]
    : [];
  const text = [
    ...(banner ? ['', `; <<>> DiG 9.20.15 <<>> ${args.join(' ')}`, ...(server ? ['; (1 server found)'] : []), ';; global options: +cmd'] : []),
    ...comments,
    ...(shown('question') ? [';; QUESTION SECTION:', `;${ans.name.replace(/\.$/, '')}.\t\tIN\t${type}`, ''] : []),
    ...(shown('answer') && answers.length ? [';; ANSWER SECTION:', ...answers, ''] : []),
    ...(shown('authority') && authority.length ? [';; AUTHORITY SECTION:', ...authority, ''] : []),
    ...(shown('stats')
      ? [';; Query time: 0 msec', `;; SERVER: ${srv}#53(${srv}) (${tcp ? 'TCP' : 'UDP'})`, `;; WHEN: ${new Date().toUTCString()}`, `;; MSG SIZE  rcvd: ${60 + answers.length * 40}`, '']
      : []),
  ];
  return ok([o(text.length ? `${text.join('\n')}\n` : '')], 2);
}

function nslookup(env: Env, args: string[]): CmdResult {
  const pos = args.filter((a) => !a.startsWith('-'));
  const name = pos[0] ?? '';
  const srv = pos[1] ?? defaultNameserver(env.src);
  const ans = lookup(env.ctx, srcNow(env), name, { search: true, server: srv });
  if (ans.kind === 'TIMEOUT') {
    return { exitCode: 1, out: [o(`;; communications error to ${srv}#53: timed out\n;; communications error to ${srv}#53: timed out\n;; communications error to ${srv}#53: timed out\n;; no servers could be reached\n\n`)], durationMs: 15_000 * env.scale };
  }
  // BIND's nslookup says so on stderr for every answer CoreDNS gives from the cluster zone (aa, no ra).
  const noRecursion = e(`;; Got recursion not available from ${srv}\n`);
  const head = `Server:\t\t${srv}\nAddress:\t${srv}#53\n\n`;
  if (ans.kind === 'NXDOMAIN') {
    // Every search domain inside the cluster zone was asked first, and each said NXDOMAIN.
    const zoneTries = srv === CLUSTER_DNS && !name.endsWith('.') ? searchList(env.src).filter((d) => authoritative(d)).length : 0;
    return { exitCode: 1, out: [...Array.from({ length: zoneTries }, () => noRecursion), o(head), o(`** server can't find ${name}: NXDOMAIN\n\n`)], durationMs: 2 };
  }
  const inZone = srv === CLUSTER_DNS && authoritative(ans.name);
  if (ans.kind === 'CNAME') {
    const canonical = `${ans.name}\tcanonical name = ${ans.target}.\n`;
    // The target is asked for in turn; one that does not resolve ends the lookup (exit 1).
    if (ans.ips.length === 0) return { exitCode: 1, out: [...(inZone ? [noRecursion] : []), o(head), o(`${canonical}** server can't find ${ans.target}: NXDOMAIN\n\n`)], durationMs: 2 };
    return ok([...(inZone ? [noRecursion] : []), o(head), o(`${canonical}${ans.ips.map((ip) => `Name:\t${ans.target}\nAddress: ${ip}\n`).join('')}\n`)], 2);
  }
  const body = ans.ips.map((ip) => `Name:\t${ans.name}\nAddress: ${ip}\n`).join('');
  // The A answer, then the AAAA query (an empty answer, so only the stderr line shows it).
  return ok([...(inZone ? [noRecursion] : []), o(head), o(body), ...(inZone ? [noRecursion] : []), o('\n')], 2);
}

// ───────────── entry points ─────────────

function matchingOverride(ctx: SimContext, ns: string | undefined, podName: string | undefined, line: string): ProbeOverride | undefined {
  return (ctx.scenario().probes ?? []).find(
    (p) => (!p.namespace || p.namespace === ns) && (!p.podPrefix || (podName ?? '').startsWith(p.podPrefix)) && (!p.commandIncludes || line.includes(p.commandIncludes)),
  );
}

function argvOf(pod: KObj): string[] {
  const c: Json = pod.spec?.containers?.[0] ?? {};
  return [...(c.command ?? []), ...(c.args ?? [])].map(String);
}

/** A probe pod's command, run when the pod starts; the result becomes its phase, exit code and log. */
export function runPodCommand(ctx: SimContext, pod: KObj): { exitCode: number; log: string; durationMs: number; longRunning: boolean } {
  const argv = argvOf(pod);
  const override = matchingOverride(ctx, pod.metadata.namespace, pod.metadata.name, argv.join(' '));
  if (override && (override.exitCode !== undefined || override.log !== undefined)) {
    return { exitCode: override.exitCode ?? 0, log: override.log ?? '', durationMs: 2, longRunning: false };
  }
  const src: Source = {
    ip: String(pod.status?.podIP ?? ''),
    ...(pod.spec?.hostNetwork ? {} : { pod }),
    inCluster: true,
    namespace: pod.metadata.namespace ?? 'default',
    ...(override?.outcome ? { override: override.outcome } : {}),
  };
  const stdinOpen = pod.spec?.containers?.[0]?.stdin === true;
  const r = runArgv({ ctx, src, scale: ctx.timings().probeScale, hostname: pod.metadata.name, t0: Date.now(), clockMs: 0, stdinOpen }, argv);
  return { exitCode: r.exitCode, log: r.out.map((c) => c.text).join(''), durationMs: Math.max(1, Math.round(r.durationMs)), longRunning: !!r.longRunning };
}

/** A command run by `docker run` in a container on the kind network (or isolated from it). */
export function runExternalCommand(ctx: SimContext, argv: string[], opts: { network: 'kind' | 'none'; ip: string }): { exitCode: number; stdout: string; stderr: string; durationMs: number } {
  const override = matchingOverride(ctx, undefined, undefined, argv.join(' '));
  if (override && (override.exitCode !== undefined || override.log !== undefined)) {
    return { exitCode: override.exitCode ?? 0, stdout: override.log ?? '', stderr: '', durationMs: 1 };
  }
  const src: Source = { ip: opts.ip, inCluster: false, isolated: opts.network === 'none', ...(override?.outcome ? { override: override.outcome } : {}) };
  const r = runArgv({ ctx, src, scale: ctx.timings().probeScale, hostname: 'c0ffee0ddba1', t0: Date.now(), clockMs: 0 }, argv);
  return {
    exitCode: r.longRunning ? 0 : r.exitCode,
    stdout: r.out.filter((c) => c.fd === 1).map((c) => c.text).join(''),
    stderr: r.out.filter((c) => c.fd === 2).map((c) => c.text).join(''),
    durationMs: Math.round(r.durationMs),
  };
}
