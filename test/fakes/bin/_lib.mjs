// Shared plumbing of the fake docker/kind/kubectl: the world's state.json and scenario.json,
// pid files (so tests can prove nothing is left running), a call log, the fake API server,
// and a small Go-template evaluator for `--format`.
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FAKE_DIR = process.env.KINDLAB_FAKE_DIR ?? '';
export const API = process.env.KINDLAB_FAKE_API ?? '';

const DEFAULT_STATE = new URL('../default-state.json', import.meta.url);

/** Registers this process in $KINDLAB_FAKE_DIR/pids and logs the call; dies cleanly on SIGTERM/SIGINT. */
export function start(tool) {
  if (!FAKE_DIR) return;
  const pidDir = join(FAKE_DIR, 'pids');
  mkdirSync(pidDir, { recursive: true });
  const pidFile = join(pidDir, String(process.pid));
  writeFileSync(pidFile, `${tool} ${process.argv.slice(2).join(' ')}\n`);
  const cleanup = () => {
    try {
      unlinkSync(pidFile);
    } catch {
      // already gone
    }
  };
  process.on('exit', cleanup);
  process.on('SIGTERM', () => process.exit(143));
  process.on('SIGINT', () => process.exit(130));
  try {
    appendFileSync(join(FAKE_DIR, 'calls.jsonl'), `${JSON.stringify({ tool, args: process.argv.slice(2), pid: process.pid, at: Date.now() })}\n`);
  } catch {
    // the log is best effort
  }
}

export function readJson(file, fallback) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

export function readState() {
  return { ...readJson(DEFAULT_STATE, {}), ...readJson(join(FAKE_DIR, 'state.json'), {}) };
}

export function readScenario() {
  return readJson(join(FAKE_DIR, 'scenario.json'), {});
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Read-modify-write of state.json under a lock directory, written atomically. */
export function updateState(fn) {
  const lock = join(FAKE_DIR, 'state.lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 400) rmSync(lock, { recursive: true, force: true });
      sleepSync(5);
    }
  }
  try {
    const state = readState();
    const out = fn(state) ?? state;
    const tmp = join(FAKE_DIR, `state.json.${process.pid}`);
    writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
    renameSync(tmp, join(FAKE_DIR, 'state.json'));
    return out;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function timing(name, fallback) {
  const v = readScenario().timings?.[name];
  return typeof v === 'number' ? v : fallback;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function out(text) {
  process.stdout.write(text);
}

export function err(text) {
  process.stderr.write(text);
}

export function daemonDown(state) {
  return `Cannot connect to the Docker daemon at ${state.dockerHost ?? 'unix:///var/run/docker.sock'}. Is the docker daemon running?`;
}

/** Calls the fake API server's control surface. */
export async function api(method, path, body) {
  if (!API) throw new Error('KINDLAB_FAKE_API is not set');
  const res = await fetch(`${API}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

// ───────────── a small Go text/template evaluator for docker --format ─────────────

function goString(v) {
  if (v === null || v === undefined) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goString(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function splitArgs(expr) {
  const args = [];
  let cur = '';
  let depth = 0;
  let quote = false;
  for (const ch of expr.trim()) {
    if (ch === '"' && depth === 0) quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && /\s/.test(ch)) {
      if (cur) args.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) args.push(cur);
  return args;
}

function path(value, p) {
  let v = value;
  for (const part of p.split('.').filter(Boolean)) v = v?.[part];
  return v;
}

function evalTerm(term, dot) {
  if (term === '.') return dot;
  if (term.startsWith('"') && term.endsWith('"')) return term.slice(1, -1);
  if (/^-?\d+$/.test(term)) return Number(term);
  const paren = /^\((.*)\)(\.[\w.]+)?$/.exec(term);
  if (paren) return paren[2] ? path(evalExpr(paren[1], dot), paren[2]) : evalExpr(paren[1], dot);
  if (term.startsWith('.')) return path(dot, term);
  return term;
}

function evalExpr(expr, dot) {
  const args = splitArgs(expr);
  const [head, ...rest] = args;
  if (head === 'json') return JSON.stringify(evalTerm(rest[0] ?? '.', dot) ?? null);
  if (head === 'index') {
    let v = evalTerm(rest[0], dot);
    for (const k of rest.slice(1)) v = v?.[evalTerm(k, dot)];
    return v;
  }
  if (head === 'len') return (evalTerm(rest[0], dot) ?? []).length ?? 0;
  if (head === 'join') return (evalTerm(rest[0], dot) ?? []).join(evalTerm(rest[1], dot));
  if (head === 'lower') return String(evalTerm(rest[0], dot)).toLowerCase();
  if (head === 'println') return `${rest.map((r) => goString(evalTerm(r, dot))).join(' ')}\n`;
  if (head === '.Label') {
    const labels = Object.fromEntries(String(dot?.Labels ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    return labels[evalTerm(rest[0], dot)] ?? '';
  }
  return evalTerm(head ?? '.', dot);
}

/** Renders `{{…}}` actions, including `{{range X}}…{{end}}` and `{{if X}}…{{end}}`. */
export function goTemplate(tpl, data) {
  const tokens = tpl.split(/(\{\{-?.*?-?\}\})/s).filter((t) => t !== '');
  let i = 0;
  function block(dot) {
    let s = '';
    while (i < tokens.length) {
      const t = tokens[i++];
      const m = /^\{\{-?\s*(.*?)\s*-?\}\}$/s.exec(t);
      if (!m) {
        s += t;
        continue;
      }
      const action = m[1];
      if (action === 'end' || action === 'else') return s;
      if (action.startsWith('range ')) {
        const list = evalExpr(action.slice(6), dot);
        const start = i;
        const items = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
        if (items.length === 0) block(dot);
        for (const item of items) {
          i = start;
          s += block(item);
        }
        continue;
      }
      if (action.startsWith('if ')) {
        const cond = evalExpr(action.slice(3), dot);
        const body = block(dot);
        if (cond && !(Array.isArray(cond) && cond.length === 0)) s += body;
        continue;
      }
      const v = evalExpr(action, dot);
      s += typeof v === 'string' ? v : goString(v);
    }
    return s;
  }
  return block(data);
}

/** docker's --format: "json" means one JSON document; anything else is a Go template. */
export function format(fmt, value) {
  if (fmt === undefined) return undefined;
  if (fmt === 'json' || fmt === '{{json .}}') return JSON.stringify(value);
  return goTemplate(fmt.replace(/\\n/g, '\n').replace(/\\t/g, '\t'), value);
}
