// One call builds a fake world for an engine test: a temp HOME (with a pre-existing
// ~/.kube/config that must stay untouched), a data folder, fake docker/kind/kubectl first on
// PATH, the fake API server, a manifest server and a pins file pointing at it.
import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PINS, type Pins } from '../../electron/engine/addons/pins.ts';
import { clusterPaths } from '../../electron/engine/paths.ts';
import { type FakeApiServer, startFakeApiServer } from './apiserver/index.ts';
import { type ManifestServer, startManifestServer } from './manifest-server.ts';
import { type FakeState, type Scenario, defaultState } from './scenario.ts';

export type ToolName = 'docker' | 'kind' | 'kubectl';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAKE_BIN = fileURLToPath(new URL('./bin/', import.meta.url));

export interface FakeWorldOptions {
  scenario?: Scenario;
  /** Overrides of the default machine state (daemon up, no clusters, nothing in use). */
  state?: Partial<FakeState>;
  /** KINDLAB_TIMEOUT_SCALE for the engine; default 0.01 (a 10-minute wait becomes 6 s). */
  timeoutScale?: number;
  /** Extra environment for the engine/CLI. */
  env?: Record<string, string>;
  /** Which fake tools to put on PATH (default: all three). */
  tools?: ToolName[];
  /** Whether the world's internet answers (the proxy every download goes through); default online. */
  internet?: 'online' | 'offline';
}

export interface FakeCall {
  tool: ToolName;
  args: string[];
  pid: number;
  at: number;
}

export interface FakeWorld {
  root: string;
  home: string;
  dataDir: string;
  fakeDir: string;
  binDir: string;
  env: Record<string, string>;
  api: FakeApiServer;
  manifests: ManifestServer;
  pins: Pins;
  /** The learner's own kubeconfig (~/.kube/config) and its text and exact bytes at the start. */
  userKubeconfig: string;
  userKubeconfigText: string;
  userKubeconfigBytes: Buffer;
  /** Where the engine keeps the cluster's own kubeconfig. */
  kubeconfigPath(cluster?: string): string;
  readState(): FakeState;
  setState(patch: Partial<FakeState>): void;
  setScenario(s: Scenario): void;
  removeTool(name: ToolName): void;
  restoreTool(name: ToolName): void;
  /** pids of fake tool processes still alive. */
  livePids(): number[];
  /** Every fake tool invocation so far, oldest first. */
  calls(): FakeCall[];
  /** Hosts the world's proxy was asked to reach (host:port), oldest first. */
  proxied(): string[];
  setInternet(state: 'online' | 'offline'): void;
  /** Adds a kubectl recording for this world only (see README). */
  addKubectlRecording(name: string, rec: { args: string[]; stdout?: string; stderr?: string; exitCode?: number; delayMs?: number }): void;
  close(): Promise<void>;
}

// A kubeconfig the learner already uses for work, with what a careless rewrite would change:
// comments, non-ASCII text, a field order of its own and no trailing newline. Its bytes must
// come out of every test exactly as they went in.
const USER_KUBECONFIG = `# Work cluster — set up by IT (Zoë), do not edit
apiVersion: v1
kind: Config
preferences: {}
clusters:
- cluster:
    server: https://192.0.2.10:6443
    insecure-skip-tls-verify: true
  name: work-cluster
contexts:
- context:
    cluster: work-cluster
    user: work-user
  name: work
current-context: work
users:
- name: work-user
  user:
    token: do-not-touch
# 中文注释：工作集群`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function createFakeWorld(opts: FakeWorldOptions = {}): Promise<FakeWorld> {
  const root = mkdtempSync(join(tmpdir(), 'kindlab-fake-'));
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  const fakeDir = join(root, 'fake');
  const binDir = join(root, 'bin');
  for (const d of [home, dataDir, fakeDir, binDir, join(home, '.kube'), join(fakeDir, 'pids'), join(fakeDir, 'kubectl')]) mkdirSync(d, { recursive: true });
  const userKubeconfig = join(home, '.kube', 'config');
  writeFileSync(userKubeconfig, USER_KUBECONFIG, { mode: 0o600 });

  const scenario = opts.scenario ?? {};
  writeFileSync(join(fakeDir, 'state.json'), `${JSON.stringify({ ...defaultState(), ...(opts.state ?? {}) }, null, 2)}\n`);
  writeFileSync(join(fakeDir, 'scenario.json'), `${JSON.stringify(scenario, null, 2)}\n`);

  // PATH holds only this folder: the fake tools and node itself, so a real docker/kubectl on
  // the machine can never be picked up (and removeTool really makes a tool missing).
  const tools = opts.tools ?? ['docker', 'kind', 'kubectl'];
  const link = (name: ToolName) => symlinkSync(join(FAKE_BIN, name), join(binDir, name));
  for (const t of tools) link(t);
  symlinkSync(process.execPath, join(binDir, 'node'));

  const api = await startFakeApiServer({ scenario });
  const manifests = await startManifestServer();
  const hostIngress = await startHostIngress(api);
  const proxy = await startInternetProxy(opts.internet ?? 'online');
  const pins: Pins = {
    ...DEFAULT_PINS,
    manifests: DEFAULT_PINS.manifests.map((m) => {
      const file = basename(new URL(m.url).pathname);
      return { ...m, url: manifests.urlFor(file), sha256: manifests.sha256(file) };
    }),
  };
  const pinsFile = join(root, 'pins.json');
  writeFileSync(pinsFile, `${JSON.stringify(pins, null, 2)}\n`);

  const env: Record<string, string> = {
    PATH: binDir,
    HOME: home,
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    KINDLAB_NO_PATH_REPAIR: '1',
    KINDLAB_DATA_DIR: dataDir,
    KINDLAB_FAKE_DIR: fakeDir,
    KINDLAB_FAKE_API: api.url,
    KINDLAB_PINS_FILE: pinsFile,
    KINDLAB_TIMEOUT_SCALE: String(opts.timeoutScale ?? 0.01),
    // kind's 127.0.0.1:80 → worker:80 mapping, played by a loopback listener on a free port.
    KINDLAB_INGRESS_HTTP_PORT: String(hostIngress.port),
    // The world's internet: a proxy on loopback that answers for every outside host (or refuses
    // them all, offline), so no test sends a packet to a real registry. The doctor and the nodes
    // go through HTTPS_PROXY as they would behind a company proxy; the world's own servers do not.
    HTTPS_PROXY: proxy.url,
    HTTP_PROXY: proxy.url,
    NO_PROXY: '127.0.0.1,localhost',
    ...(opts.env ?? {}),
  };

  const stateFile = join(fakeDir, 'state.json');
  const world: FakeWorld = {
    root,
    home,
    dataDir,
    fakeDir,
    binDir,
    env,
    api,
    manifests,
    pins,
    userKubeconfig,
    userKubeconfigText: USER_KUBECONFIG,
    userKubeconfigBytes: Buffer.from(USER_KUBECONFIG, 'utf8'),
    kubeconfigPath: (cluster = 'cluster01') => clusterPaths(dataDir, cluster).kubeconfig,
    readState: () => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState,
    setState(patch) {
      const next = { ...world.readState(), ...patch };
      writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
      renameSync(`${stateFile}.tmp`, stateFile);
    },
    setScenario(s) {
      writeFileSync(join(fakeDir, 'scenario.json'), `${JSON.stringify(s, null, 2)}\n`);
      api.setScenario(s);
    },
    removeTool(name) {
      rmSync(join(binDir, name), { force: true });
    },
    restoreTool(name) {
      rmSync(join(binDir, name), { force: true });
      link(name);
    },
    livePids() {
      const dir = join(fakeDir, 'pids');
      const pids: number[] = [];
      for (const f of readdirSync(dir)) {
        const pid = Number(f);
        if (alive(pid)) pids.push(pid);
        else rmSync(join(dir, f), { force: true });
      }
      return pids;
    },
    calls() {
      let text = '';
      try {
        text = readFileSync(join(fakeDir, 'calls.jsonl'), 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as FakeCall);
    },
    proxied: () => [...proxy.asked],
    setInternet(state) {
      proxy.state = state;
    },
    addKubectlRecording(name, rec) {
      writeFileSync(join(fakeDir, 'kubectl', `${name}.json`), `${JSON.stringify(rec, null, 2)}\n`);
    },
    async close() {
      for (const pid of world.livePids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await api.close();
      await manifests.close();
      await new Promise<void>((r) => hostIngress.server.close(() => r()));
      await proxy.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  appendFileSync(join(fakeDir, 'calls.jsonl'), '');
  return world;
}

/**
 * The host side of kind's port mapping for the ingress: a loopback listener that hands each
 * request to the simulated ingress controller on the worker (172.18.0.3:80), as curl from the
 * kind network would reach it.
 */
async function startHostIngress(api: FakeApiServer): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const r = api.exec(['curl', '-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-H', `Host: ${host}`, `http://172.18.0.3:80${req.url ?? '/'}`], 'kind');
    if (r.exitCode !== 0) {
      res.socket?.destroy();
      return;
    }
    const cut = r.stdout.lastIndexOf('\n');
    res.writeHead(Number(r.stdout.slice(cut + 1)) || 502, { 'Content-Type': 'text/html' });
    res.end(r.stdout.slice(0, cut));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * The world's internet, seen through a proxy: CONNECT to any host answers 200 (online) or 502
 * (offline) and the tunnel is closed at once; nothing is forwarded anywhere.
 */
async function startInternetProxy(initial: 'online' | 'offline'): Promise<{ url: string; state: 'online' | 'offline'; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const p = { url: '', state: initial, asked, close: async () => undefined as void };
  const server = createServer((req, res) => {
    asked.push(req.headers.host ?? '');
    res.writeHead(p.state === 'online' ? 200 : 502).end();
  });
  server.on('connect', (req, socket) => {
    asked.push(req.url ?? '');
    socket.end(p.state === 'online' ? 'HTTP/1.1 200 Connection established\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  p.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return p;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** From the signal sent by signalAfter/signalWhen to the exit; null when none was sent. */
  afterSignalMs: number | null;
}

export interface RunOptions {
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Sends `signal` to the process once a line matches `pattern` (once). */
  signalAfter?: { pattern: RegExp; signal: NodeJS.Signals };
  /** Sends `signal` to the process once `test()` holds (polled), e.g. when a fake tool has started. */
  signalWhen?: { test: () => boolean; signal: NodeJS.Signals };
  timeoutMs?: number;
  env?: Record<string, string>;
  input?: string;
}

function runProcess(file: string, args: string[], env: Record<string, string>, opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: REPO_ROOT, env: { ...env, ...(opts.env ?? {}) }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const text = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    let signalled = false;
    let signalledAt = 0;
    const onChunk = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      text[stream] += s;
      partial[stream] += s;
      const lines = partial[stream].split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) {
        opts.onLine?.(line, stream);
        if (opts.signalAfter && !signalled && opts.signalAfter.pattern.test(line)) {
          signalled = true;
          signalledAt = Date.now();
          child.kill(opts.signalAfter.signal);
        }
      }
    };
    child.stdout?.on('data', onChunk('stdout'));
    child.stderr?.on('data', onChunk('stderr'));
    const when = opts.signalWhen;
    const poll = when
      ? setInterval(() => {
          if (signalled || !when.test()) return;
          signalled = true;
          signalledAt = Date.now();
          child.kill(when.signal);
        }, 10)
      : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) opts.onLine?.(partial[stream], stream);
      const end = Date.now();
      resolve({ code, signal, stdout: text.stdout, stderr: text.stderr, durationMs: end - t0, afterSignalMs: signalled ? end - signalledAt : null });
    });
  });
}

/** Runs `node bin/kindlab.js …args` in the world. */
export function runCli(args: string[], world: FakeWorld, opts: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [join(REPO_ROOT, 'bin', 'kindlab.js'), ...args], world.env, opts);
}

/** Runs one of the repo's TypeScript scripts (`node bin/run-ts.js <script> …args`) in the world. */
export function runScript(script: string, args: string[], world: FakeWorld, opts: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [join(REPO_ROOT, 'bin', 'run-ts.js'), join(REPO_ROOT, script), ...args], world.env, opts);
}

/** Runs one of the world's fake tools directly (as the engine would). */
export function runTool(tool: ToolName, args: string[], world: FakeWorld, opts: RunOptions = {}): Promise<RunResult> {
  return runProcess(join(world.binDir, tool), args, world.env, opts);
}
