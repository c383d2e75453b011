// A pretend machine for the doctor's specs: tools answer from a table, files, ports, DNS and
// disk from maps. `machine()` starts from a healthy Linux laptop with Docker Engine, so each
// spec states only what differs.
import type { CacheStatus, ClusterSettings } from '../../../../electron/api.ts';
import { DEFAULT_SETTINGS } from '../../../../electron/engine/context.ts';
import { DEFAULT_PINS, type Pins } from '../../../../electron/engine/addons/pins.ts';
import { KindlabError } from '../../../../electron/engine/errors.ts';
import type { ToolName, ToolPaths } from '../../../../electron/engine/tools/resolve.ts';
import type { RunOptions, RunResult } from '../../../../electron/engine/tools/run.ts';
import type { CheckContext } from '../../../../electron/engine/doctor/check.ts';
import type { Reach } from '../../../../electron/engine/network/reach.ts';
import { DoctorFacts, type DoctorProbes, type PortState } from '../../../../electron/engine/doctor/facts.ts';
import * as fx from './fixtures.ts';

export interface FakeRun {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Never answer (to test timeouts). */
  hang?: boolean;
}

export interface FakeMachine {
  platform: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
  isWsl: boolean;
  tools: ToolPaths;
  /** Keyed by the command line, e.g. "docker version --format {{json .}}". */
  commands: Record<string, FakeRun>;
  files: Record<string, string>;
  /** Keyed by "address:port"; a missing key is a free port. */
  ports: Record<string, PortState>;
  dns: Record<string, string[] | NodeJS.ErrnoException | 'hang'>;
  freeBytes: Record<string, number>;
  /** Download sources by probe URL ('*' for every other one); a missing key answers. */
  sources: Record<string, Reach>;
  /** Pin ids of the manifests with a verified copy in the cache. */
  cachedManifests: string[];
  /** The image cache's state as CacheService.status reports it; null (unknown) by default. */
  cache?: CacheStatus | null;
}

const HEALTHY: FakeMachine = {
  platform: 'linux',
  arch: 'x64',
  env: {},
  isWsl: false,
  tools: { docker: '/usr/bin/docker', kind: '/usr/local/bin/kind', kubectl: '/usr/local/bin/kubectl' },
  commands: {
    'docker version --format {{json .}}': { stdout: fx.dockerVersionJson({ version: '28.2.2', product: 'Docker Engine - Community' }) },
    'docker info --format {{json .}}': { stdout: fx.dockerInfoJson() },
    'docker context inspect': { stdout: fx.dockerContextJson('default', 'unix:///var/run/docker.sock') },
    'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}': { stdout: '' },
    'docker ps --format {{json .}}': { stdout: '' },
    'kind version': { stdout: fx.KIND_VERSION },
    'kind get clusters': { stderr: fx.NO_KIND_CLUSTERS_STDERR },
    'kubectl version --client -o json': { stdout: fx.kubectlClientJson('v1.35.8', '35') },
  },
  files: {
    '/proc/sys/fs/inotify/max_user_watches': '524288\n',
    '/proc/sys/fs/inotify/max_user_instances': '512\n',
  },
  ports: {},
  dns: { 'webserver.127-0-0-1.nip.io': ['127.0.0.1'] },
  freeBytes: { '/var/lib/docker': 120e9 },
  sources: {},
  cachedManifests: [],
  // A first run: no cache container yet (kindlab up creates them).
  cache: { enabled: true, mode: 'proxy', upstreams: [], images: [], cachedCount: 0, totalCount: 0, totalBytes: 0 },
};

/** No network at all: no name resolves, no source answers (a train, a locked-down lab room). */
export const OFFLINE: MachineChanges = {
  dns: { 'webserver.127-0-0-1.nip.io': dnsErrorFor('webserver.127-0-0-1.nip.io', 'EAI_AGAIN') },
  sources: { '*': { ok: false, via: 'direct', why: 'dns', detail: 'EAI_AGAIN' } },
};

function dnsErrorFor(name: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ${code} ${name}`), { code });
}

/** The daemon is stopped: what docker 28 and kind print then. */
export const DAEMON_DOWN: Record<string, FakeRun> = {
  'docker version --format {{json .}}': { exitCode: 1, stdout: fx.DOCKER_VERSION_DOWN, stderr: fx.DAEMON_DOWN_STDERR },
  'docker info --format {{json .}}': { exitCode: 1, stdout: '{"ID":"","ServerVersion":"","MemTotal":0,"NCPU":0}', stderr: fx.DAEMON_DOWN_STDERR },
  'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}': { exitCode: 1, stderr: fx.DAEMON_DOWN_STDERR },
  'kind get clusters': {
    exitCode: 1,
    stderr:
      'ERROR: failed to list clusters: command "docker ps -a --filter label=io.x-k8s.kind.cluster --format \'{{.Label "io.x-k8s.kind.cluster"}}\'" failed with error: exit status 1\n',
  },
};

export type MachineChanges = Partial<Omit<FakeMachine, 'tools'>> & { tools?: Partial<ToolPaths> };

/** A healthy machine with `changes` laid over it (maps are merged, not replaced). */
export function machine(changes: MachineChanges = {}): FakeMachine {
  return {
    ...HEALTHY,
    ...changes,
    tools: { ...HEALTHY.tools, ...changes.tools },
    commands: { ...HEALTHY.commands, ...changes.commands },
    files: { ...HEALTHY.files, ...changes.files },
    ports: { ...HEALTHY.ports, ...changes.ports },
    dns: { ...HEALTHY.dns, ...changes.dns },
    freeBytes: { ...HEALTHY.freeBytes, ...changes.freeBytes },
    sources: { ...HEALTHY.sources, ...changes.sources },
  };
}

export function fakeProbes(m: FakeMachine): DoctorProbes & { calls: string[] } {
  const calls: string[] = [];
  const run = async (tool: ToolName, args: string[], _opts?: RunOptions): Promise<RunResult> => {
    const command = [tool, ...args];
    if (!m.tools[tool]) throw new KindlabError({ code: 'tool-missing', message: `${tool} was not found on PATH`, hint: '', command });
    const line = command.join(' ');
    calls.push(line);
    const answer = m.commands[line] ?? { exitCode: 1, stderr: `fake machine: no answer for "${line}"` };
    if (answer.hang) return new Promise<RunResult>(() => {});
    return { command, exitCode: answer.exitCode ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '', durationMs: 1 };
  };
  return {
    calls,
    run: { paths: m.tools, has: (tool) => m.tools[tool] !== null, run } as DoctorProbes['run'],
    readFile: async (path) => m.files[path] ?? null,
    portListener: async (port, address) => {
      const key = `${address}:${port}`;
      return key in m.ports ? (m.ports[key] as PortState) : 'free';
    },
    resolveHost: async (name) => {
      const answer = m.dns[name];
      if (answer === 'hang') return new Promise<string[]>(() => {});
      if (answer instanceof Error) throw answer;
      if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return answer;
    },
    statfsFreeBytes: async (path) => m.freeBytes[path] ?? null,
    reach: async (url) => {
      calls.push(`reach ${url}`);
      return m.sources[url] ?? m.sources['*'] ?? { ok: true, via: 'direct' };
    },
    cachedManifests: async () => m.cachedManifests,
    cacheStatus: async () => m.cache ?? null,
    platform: m.platform,
    arch: m.arch,
    env: m.env,
    isWsl: m.isWsl,
  };
}

export function fakeFacts(changes: MachineChanges = {}, pins: Pins = DEFAULT_PINS): DoctorFacts {
  return new DoctorFacts(fakeProbes(machine(changes)), pins);
}

export function dnsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`queryA ${code} webserver.127-0-0-1.nip.io`), { code });
}

/** What a check receives: the pretend machine's facts and the book's cluster settings. */
export function fakeContext(changes: MachineChanges = {}, settings: Partial<ClusterSettings> = {}): CheckContext {
  return { facts: fakeFacts(changes), settings: { ...DEFAULT_SETTINGS, ...settings } };
}
