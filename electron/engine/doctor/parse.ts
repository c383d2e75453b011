// Pure parsers for what the doctor's probes print: docker, kind and kubectl output, the socket
// tables of /proc/net/tcp, ss, lsof, netstat and tasklist, version strings, and the engine
// classification built on them. Nothing here runs a command; every input is a string, so the
// specs feed real output captured from each tool.
import { firstLine } from '../errors.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Picks the line of a tool's stderr that says what went wrong, skipping warnings. */
export function errorLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => !/^warn(ing)?\b/i.test(l)) ?? firstLine(stderr);
}

/** What a tool printed instead of a version, quoted so that "nothing" shows as "" in any language. */
export function unreadableOutput(stdout: string): string {
  const line = firstLine(stdout);
  return JSON.stringify(line.length > 100 ? `${line.slice(0, 100)}…` : line);
}

// ───────────────────────────── versions ─────────────────────────────

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Text after "-", e.g. "dispatcher" in v1.32.4-dispatcher; null for a release. */
  pre: string | null;
}

/** Reads "v1.32.4-dispatcher", "0.33.0", "1.35" (patch 0), "28.2.2+dfsg1". */
export function parseVersion(text: string): Version | null {
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?/.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), pre: m[4] ?? null };
}

/** Semver order: numbers first, then a pre-release sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  const byNumber = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (byNumber !== 0) return Math.sign(byNumber);
  if (a.pre === b.pre) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  return a.pre < b.pre ? -1 : 1;
}

/** True when `version` is older than `floor`; false when either is unreadable. */
export function isOlder(version: string, floor: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(floor);
  return a !== null && b !== null && compareVersions(a, b) < 0;
}

/** "kind v0.33.0 go1.25.5 linux/amd64" → "0.33.0". */
export function parseKindVersion(text: string): string | null {
  const m = /\bv(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(text);
  return m?.[1] ?? null;
}

export interface KubectlVersion {
  gitVersion: string;
  major: number;
  minor: number;
}

/** `kubectl version --client -o json`; falls back to the text form "Client Version: v1.35.8". */
export function parseKubectlClientVersion(stdout: string): KubectlVersion | null {
  const parsed = parseJson(stdout);
  const client = isObject(parsed) && isObject(parsed.clientVersion) ? parsed.clientVersion : null;
  // `minor` can read "32+" on vendor builds, so the numbers come from gitVersion.
  const gitVersion = str(client?.gitVersion) ?? /Client Version:\s*(v\S+)/.exec(stdout)?.[1] ?? null;
  const v = gitVersion ? parseVersion(gitVersion) : null;
  return gitVersion && v ? { gitVersion, major: v.major, minor: v.minor } : null;
}

// ───────────────────────────── docker ─────────────────────────────

export interface DockerVersion {
  clientVersion: string | null;
  /** null when the daemon did not answer (`"Server": null`). */
  serverVersion: string | null;
  /** "Docker Engine - Community", "Docker Desktop 4.41.2 (191736)", "Podman Engine", … */
  serverProduct: string | null;
  context: string | null;
}

/** `docker version --format {{json .}}` (also what the podman-docker shim prints). */
export function parseDockerVersion(stdout: string): DockerVersion | null {
  const parsed = parseJson(stdout);
  if (!isObject(parsed)) return null;
  const client = isObject(parsed.Client) ? parsed.Client : {};
  const server = isObject(parsed.Server) ? parsed.Server : null;
  const components = Array.isArray(server?.Components) ? server.Components.filter(isObject) : [];
  const podman = components.find((c) => /podman/i.test(String(c.Name)));
  const platform = server && isObject(server.Platform) ? str(server.Platform.Name) : null;
  return {
    clientVersion: str(client.Version),
    serverVersion: server ? str(server.Version) : null,
    serverProduct: podman ? 'Podman Engine' : platform,
    context: str(client.Context),
  };
}

export interface DockerInfo {
  serverVersion: string | null;
  operatingSystem: string;
  osType: string;
  /** "1" or "2"; null when the engine does not say. */
  cgroupVersion: string | null;
  memTotal: number | null;
  ncpu: number | null;
  dockerRootDir: string | null;
  securityOptions: string[];
  name: string;
  kernelVersion: string;
  /** Older docker CLIs exit 0 and put "Cannot connect…" here instead. */
  serverErrors: string[];
  /** Served by Podman (its Docker-compatible API, or `podman info` behind a docker alias). */
  podman: boolean;
  rootless: boolean;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function fromPodmanNativeInfo(p: Json): DockerInfo {
  const host = isObject(p.host) ? p.host : {};
  const store = isObject(p.store) ? p.store : {};
  const version = isObject(p.version) ? p.version : {};
  const distribution = isObject(host.distribution) ? host.distribution : {};
  const security = isObject(host.security) ? host.security : {};
  const rootless = security.rootless === true;
  return {
    serverVersion: str(version.Version),
    operatingSystem: str(distribution.distribution) ?? '',
    osType: str(host.os) ?? 'linux',
    cgroupVersion: str(host.cgroupVersion)?.replace(/^v/, '') ?? null,
    memTotal: num(host.memTotal),
    ncpu: num(host.cpus),
    dockerRootDir: str(store.graphRoot),
    securityOptions: rootless ? ['name=rootless'] : [],
    name: str(host.hostname) ?? '',
    kernelVersion: str(host.kernel) ?? '',
    serverErrors: [],
    podman: true,
    rootless,
  };
}

/** `docker info --format {{json .}}`; null when the output is not a JSON object. */
export function parseDockerInfo(stdout: string): DockerInfo | null {
  const parsed = parseJson(stdout);
  if (!isObject(parsed)) return null;
  if (isObject(parsed.host) && isObject(parsed.store)) return fromPodmanNativeInfo(parsed);
  const securityOptions = strings(parsed.SecurityOptions);
  const rootless = securityOptions.some((o) => o.split(',').includes('name=rootless')) || parsed.Rootless === true;
  return {
    serverVersion: str(parsed.ServerVersion),
    operatingSystem: str(parsed.OperatingSystem) ?? '',
    osType: str(parsed.OSType) ?? '',
    cgroupVersion: str(parsed.CgroupVersion),
    // A stopped daemon leaves zeros in every number.
    memTotal: num(parsed.MemTotal) || null,
    ncpu: num(parsed.NCPU) || null,
    dockerRootDir: str(parsed.DockerRootDir),
    securityOptions,
    name: str(parsed.Name) ?? '',
    kernelVersion: str(parsed.KernelVersion) ?? '',
    serverErrors: strings(parsed.ServerErrors),
    // Podman's compatible API adds fields Docker never sends.
    podman: 'BuildahVersion' in parsed || 'Rootless' in parsed,
    rootless,
  };
}

export interface DockerContext {
  name: string;
  host: string | null;
}

/** `docker context inspect` (the current context): a JSON array of one. */
export function parseDockerContext(stdout: string): DockerContext | null {
  const parsed = parseJson(stdout);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isObject(first)) return null;
  const endpoints = isObject(first.Endpoints) ? first.Endpoints : {};
  const docker = isObject(endpoints.docker) ? endpoints.docker : {};
  return { name: str(first.Name) ?? '', host: str(docker.Host) };
}

export interface KindNodeContainer {
  name: string;
  cluster: string;
  role: string | null;
  /** running, exited, created, … */
  state: string;
}

function labelMap(v: unknown): Record<string, string> {
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  if (typeof v !== 'string') return {};
  const out: Record<string, string> = {};
  for (const pair of v.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * `docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}`: one JSON object per line,
 * Labels as "k=v,k=v". Podman prints one JSON array with Names and Labels as list and map.
 */
export function parseKindContainers(stdout: string): KindNodeContainer[] {
  const trimmed = stdout.trim();
  const rows = trimmed.startsWith('[') ? (parseJson(trimmed) as unknown[] | undefined) ?? [] : trimmed.split(/\r?\n/).map(parseJson);
  const out: KindNodeContainer[] = [];
  for (const row of rows) {
    if (!isObject(row)) continue;
    const labels = labelMap(row.Labels);
    const cluster = labels['io.x-k8s.kind.cluster'];
    if (!cluster) continue;
    const names = Array.isArray(row.Names) ? row.Names.map(String) : String(row.Names ?? '').split(',');
    out.push({ name: names[0] ?? '', cluster, role: labels['io.x-k8s.kind.role'] ?? null, state: String(row.State ?? '').toLowerCase() });
  }
  return out;
}

/** `kind get clusters`: one name per line; "No kind clusters found." means none. */
export function parseKindClusters(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^No kind clusters found/i.test(l));
}

// ───────────────────────────── engine classification ─────────────────────────────

export type EngineKind = 'docker-engine' | 'docker-desktop' | 'colima' | 'podman' | 'rancher-desktop' | 'orbstack' | 'rootless-docker' | 'unknown';

export interface EngineClass {
  engine: EngineKind;
  /** A LoadBalancer IP on the kind bridge can be reached from this machine directly. */
  lbRoutableFromHost: boolean;
  /** The engine runs on this machine's own kernel and filesystem (not in a VM): host limits and disk apply. */
  sharesHostKernel: boolean;
}

function kindFromSignals(info: DockerInfo | null, host: string, env: NodeJS.ProcessEnv): EngineKind | null {
  const os = info?.operatingSystem ?? '';
  const name = info?.name ?? '';
  if (/docker desktop/i.test(os) || name === 'docker-desktop' || /dockerDesktop|docker_engine|com\.docker\.docker|\.docker\/(run|desktop)\/docker\.sock/i.test(host)) return 'docker-desktop';
  if (/orbstack/i.test(os) || /\.orbstack\//.test(host)) return 'orbstack';
  if (/^colima/.test(name) || /\.colima\//.test(host)) return 'colima';
  if (/rancher/i.test(name) || /rancher desktop/i.test(os) || /\.rd\/docker\.sock|rancher-desktop/i.test(host)) return 'rancher-desktop';
  if (info?.podman || /podman/i.test(host) || env.KIND_EXPERIMENTAL_PROVIDER === 'podman') return 'podman';
  if (info?.rootless || /^unix:\/\/\/run\/user\/\d+\//.test(host)) return 'rootless-docker';
  return null;
}

/**
 * Which engine the docker CLI talks to, and what that means for the lab. Only a rootful Docker
 * Engine running natively on Linux puts the kind bridge on this machine's own network; every
 * VM-based engine, WSL2 and rootless mode keep it out of reach (kind#3482).
 */
export function classifyEngine(
  info: DockerInfo | null,
  contextHost: string | null,
  env: NodeJS.ProcessEnv,
  isWsl: boolean,
  platform: NodeJS.Platform = 'linux',
): EngineClass {
  const host = env.DOCKER_HOST || contextHost || '';
  const known = kindFromSignals(info, host, env);
  const localSocket = host === '' || host.startsWith('unix://') || host.startsWith('npipe://');
  const engine: EngineKind = known ?? (info && info.osType === 'linux' && localSocket && platform === 'linux' ? 'docker-engine' : 'unknown');
  // Podman is a VM (podman machine) everywhere except Linux; rootless engines still share the host kernel.
  const onHostKernel = platform === 'linux' && localSocket && (engine === 'docker-engine' || engine === 'rootless-docker' || engine === 'podman');
  return {
    engine,
    lbRoutableFromHost: engine === 'docker-engine' && onHostKernel && !isWsl,
    sharesHostKernel: onHostKernel,
  };
}

// ───────────────────────────── sockets ─────────────────────────────

export interface Listener {
  address: string;
  port: number;
}

function hexIpv4(hex: string): string {
  // /proc prints the address as a host-order (little-endian on x86/arm) 32-bit word.
  const bytes = hex.match(/../g) ?? [];
  return bytes.map((b) => parseInt(b, 16)).reverse().join('.');
}

function hexIpv6(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const groups = words.flatMap((w) => {
    const le = (w.match(/../g) ?? []).reverse().join('');
    return [le.slice(0, 4), le.slice(4, 8)];
  });
  const full = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(full);
  if (mapped) {
    const n = parseInt(mapped[1] ?? '0', 16) * 65536 + parseInt(mapped[2] ?? '0', 16);
    return `::ffff:${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')}`;
  }
  return full === '0:0:0:0:0:0:0:1' ? '::1' : full;
}

/** LISTEN sockets (state 0A) from /proc/net/tcp or /proc/net/tcp6. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    if (!local || cols[3] !== '0A' || !/^[0-9A-F]+:[0-9A-F]{4}$/i.test(local)) continue;
    const [addr = '', port = ''] = local.split(':');
    out.push({ address: addr.length === 8 ? hexIpv4(addr) : hexIpv6(addr), port: parseInt(port, 16) });
  }
  return out;
}

/** "0.0.0.0:80", "[::]:443", "*:80", "127.0.0.1%lo:53" → address and port. */
function splitHostPort(text: string): Listener | null {
  const i = text.lastIndexOf(':');
  if (i < 0) return null;
  const port = Number(text.slice(i + 1));
  if (!Number.isInteger(port)) return null;
  let address = text.slice(0, i).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (address === '*') address = '0.0.0.0';
  return { address, port };
}

export interface ProcessRef {
  pid: number;
  name: string;
}

export interface SsListener extends Listener {
  processes: ProcessRef[];
}

/** `ss -ltnpH 'sport = :80'`; the users:(…) column is empty for other users' sockets unless root. */
export function parseSsListeners(stdout: string): SsListener[] {
  const out: SsListener[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] !== 'LISTEN' || !cols[3]) continue;
    const where = splitHostPort(cols[3]);
    if (!where) continue;
    const processes = [...line.matchAll(/\("([^"]+)",pid=(\d+)/g)].map((m) => ({ name: m[1] ?? '', pid: Number(m[2]) }));
    out.push({ ...where, processes });
  }
  return out;
}

/** `lsof -nP -iTCP:80 -sTCP:LISTEN -Fpc`: "p<pid>" then "c<command>" lines (lsof adds "f" lines). */
export function parseLsofProcesses(stdout: string): ProcessRef[] {
  const out: ProcessRef[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (line.startsWith('p')) out.push({ pid: Number(line.slice(1)), name: '' });
    else if (line.startsWith('c') && out.length > 0) (out[out.length - 1] as ProcessRef).name = line.slice(1);
  }
  return out.filter((p) => Number.isInteger(p.pid));
}

export interface NetstatListener extends Listener {
  pid: number;
}

/**
 * `netstat -ano -p tcp` on Windows. The state column is translated on localized Windows
 * ("ABHÖREN"), so a listener is recognised by its foreign address 0.0.0.0:0 / [::]:0 instead.
 */
export function parseNetstatListeners(stdout: string): NetstatListener[] {
  const out: NetstatListener[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    if (cols[0]?.toUpperCase() !== 'TCP' || cols.length < 5) continue;
    if (cols[2] !== '0.0.0.0:0' && cols[2] !== '[::]:0') continue;
    const where = splitHostPort(cols[1] ?? '');
    const pid = Number(cols[cols.length - 1]);
    if (where && Number.isInteger(pid)) out.push({ ...where, pid });
  }
  return out;
}

/** `tasklist /FI "PID eq N" /FO CSV /NH`: "nginx.exe","1234",… ; no match prints an INFO line. */
export function parseTasklistCsv(stdout: string): ProcessRef | null {
  const m = /^"([^"]*)","(\d+)"/m.exec(stdout.trim());
  return m ? { name: m[1] ?? '', pid: Number(m[2]) } : null;
}
