// The image cache's naming and configuration, pure: which upstream registry an image comes from,
// what its cache container, volume and endpoint are called, how the registry container is
// configured (environment only, so no file has to be mounted into it), and the containerd
// hosts.toml that points a node at it. Every other cache module builds on these names, so a
// container made by one version of kindlab is found again by the next.
import type { CacheMode } from '../../api.ts';

/** An image reference taken apart the way containerd resolves it. */
export interface ImageRef {
  /** The registry host the image is named by (docker.io for names without one). */
  upstream: string;
  /** The repository path inside that registry (library/… spelled out for Docker Hub's official images). */
  path: string;
  /** The tag; `latest` when the reference has neither a tag nor a digest. */
  tag: string | null;
  digest: string | null;
}

/** Docker Hub's name in references and in containerd's certs.d; its registry answers elsewhere. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

/** The port the registry listens on inside its container (distribution's default). */
const CACHE_PORT = 5000;
/** Where containerd keeps its per-registry host files (kind's node images read this folder). */
const CERTS_DIR = '/etc/containerd/certs.d';
/** Labels on every cache container and volume, so `cache clear` and the doctor find exactly those. */
export const CACHE_LABEL = 'io.kindlab.cache';
export const CACHE_MODE_LABEL = 'io.kindlab.cache.mode';

/** Whether the first part of a reference names a registry host rather than a Docker Hub user. */
function isHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** Takes a reference apart: upstream, path, tag, digest. */
export function parseRef(ref: string): ImageRef {
  const [name = '', digest = null] = ref.trim().split('@') as [string, string?];
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const upstream = slash >= 0 && isHost(first) ? first : DOCKER_HUB;
  let rest = upstream === DOCKER_HUB && !name.startsWith(`${DOCKER_HUB}/`) ? name : name.slice(upstream.length + 1);
  // index.docker.io and registry-1.docker.io are other names of Docker Hub.
  const hub = upstream === DOCKER_HUB || upstream === 'index.docker.io' || upstream === 'registry-1.docker.io';
  const colon = rest.lastIndexOf(':');
  let tag: string | null = null;
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (hub && !rest.includes('/')) rest = `library/${rest}`;
  return { upstream: hub ? DOCKER_HUB : upstream, path: rest, tag: tag ?? (digest ? null : 'latest'), digest: digest ?? null };
}

/** The upstream registry an image reference names: docker.io by default, else its host. */
export function upstreamOf(ref: string): string {
  return parseRef(ref).upstream;
}

/** The full reference, normalised (docker.io/library/… spelled out, the tag kept with the digest). */
export function canonicalRef(ref: string): string {
  const r = parseRef(ref);
  return `${r.upstream}/${r.path}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** A name Docker accepts for containers and volumes: the host with its port's colon made a dash. */
export function cacheName(upstream: string): string {
  return `kindlab-cache-${upstream.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`;
}

/** Where containerd inside the nodes reaches the cache, by its container name on the kind network. */
export function cacheEndpoint(upstream: string): string {
  return `http://${cacheName(upstream)}:${CACHE_PORT}`;
}

/** The real registry behind an upstream name: what the cache pulls from and what containerd falls back to. */
function upstreamUrl(upstream: string): string {
  return upstream === DOCKER_HUB ? DOCKER_HUB_REGISTRY : `https://${upstream}`;
}

/** The upstreams with a fixed host port, in this order; others come after them. */
const KNOWN_UPSTREAMS = ['docker.io', 'quay.io', 'registry.k8s.io', 'ghcr.io'] as const;
/** The first host port; each upstream of `upstreams` (sorted, known ones first) takes the next. */
const HOST_PORT_BASE = 5101;

/** Upstreams in a stable order: the well-known ones first, the rest by name. */
export function orderUpstreams(upstreams: Iterable<string>): string[] {
  const set = new Set(upstreams);
  const known = KNOWN_UPSTREAMS.filter((u) => set.has(u));
  const others = [...set].filter((u) => !(KNOWN_UPSTREAMS as readonly string[]).includes(u)).sort();
  return [...known, ...others];
}

/**
 * The host port (on 127.0.0.1) each cache is published on. The known upstreams keep theirs
 * whatever else is cached (5101 docker.io … 5104 ghcr.io); others follow from 5105 by name.
 */
export function hostPortOf(upstream: string, all: Iterable<string> = []): number {
  const known = (KNOWN_UPSTREAMS as readonly string[]).indexOf(upstream);
  if (known >= 0) return HOST_PORT_BASE + known;
  const others = [...new Set([...all, upstream])].filter((u) => !(KNOWN_UPSTREAMS as readonly string[]).includes(u)).sort();
  return HOST_PORT_BASE + KNOWN_UPSTREAMS.length + others.indexOf(upstream);
}

/**
 * The registry container's environment. distribution v3 reads every setting from
 * REGISTRY_<SECTION>_<KEY>, so no config file is mounted. In proxy mode it pulls through from the
 * upstream and, with a TTL of zero, never expires what it pulled (its default is seven days, which
 * would empty a classroom's cache over a holiday). In local mode it is a plain registry that only
 * serves what was pushed (distribution refuses pushes to a proxy). v3 exports traces over OTLP by
 * default and logs a failure every few seconds when nothing listens: that is turned off.
 */
export function registryEnv(upstream: string, mode: CacheMode): Record<string, string> {
  return {
    OTEL_TRACES_EXPORTER: 'none',
    REGISTRY_STORAGE_DELETE_ENABLED: 'true',
    ...(mode === 'proxy' ? { REGISTRY_PROXY_REMOTEURL: upstreamUrl(upstream), REGISTRY_PROXY_TTL: '0s' } : {}),
  };
}

/** `docker run` arguments that create one cache (after `docker run`). */
export function runArgs(upstream: string, mode: CacheMode, image: string, opts: { hostPort: number; network: string | null }): string[] {
  const name = cacheName(upstream);
  const env = Object.entries(registryEnv(upstream, mode)).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return [
    'run', '-d', '--name', name, '--restart', 'unless-stopped',
    ...(opts.network ? ['--network', opts.network] : []),
    '--label', `${CACHE_LABEL}=${upstream}`, '--label', `${CACHE_MODE_LABEL}=${mode}`,
    '-v', `${name}:/var/lib/registry`,
    '-p', `127.0.0.1:${opts.hostPort}:${CACHE_PORT}`,
    ...env,
    image,
  ];
}

/** Where the hosts file of an upstream lives inside a node. */
export function hostsPath(upstream: string): string {
  return `${CERTS_DIR}/${upstream}/hosts.toml`;
}

/**
 * containerd's hosts.toml for one upstream: the cache first, and the real registry as `server`,
 * which containerd tries when the cache does not answer (down, or, in local mode, missing the image).
 * `resolve` lets the cache answer tag lookups, so a pull by tag needs no upstream at all.
 */
export function hostsToml(upstream: string): string {
  return [
    `# Written by kindlab: pull ${upstream} images through its cache, falling back to the registry itself.`,
    `server = "${upstreamUrl(upstream)}"`,
    '',
    `[host."${cacheEndpoint(upstream)}"]`,
    '  capabilities = ["pull", "resolve"]',
    '',
  ].join('\n');
}

/**
 * `docker exec` arguments that write `content` to `path` in `node` only when it differs, and
 * say which happened on stdout (`written <path>` or `unchanged <path>`). The content arrives on
 * stdin, so nothing of it passes through a shell's quoting.
 */
export function writeHostsArgv(node: string, path: string): string[] {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const script = [
    'set -e',
    `new=$(cat; echo .)`,
    `if [ -f "$1" ] && [ "$(cat "$1"; echo .)" = "$new" ]; then echo "unchanged $1"; exit 0; fi`,
    `mkdir -p "${dir}"`,
    `printf '%s' "\${new%.}" > "$1"`,
    `echo "written $1"`,
  ].join('; ');
  return ['exec', '-i', node, 'sh', '-c', script, 'kindlab-hosts', path];
}

/** What writeHostsArgv's output says: whether the file was (re)written. */
export function parseWriteOutput(stdout: string): boolean | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  if (line.startsWith('written ')) return true;
  if (line.startsWith('unchanged ')) return false;
  return null;
}

/** `127.0.0.1:<port>/<path>:<tag>`: the name an image has when pushed into or pulled from a cache over its host port. */
export function hostRef(ref: string, hostPort: number): string {
  const r = parseRef(ref);
  return `127.0.0.1:${hostPort}/${r.path}:${r.tag ?? 'latest'}`;
}

/** Where distribution keeps repositories on its volume (its storage layout, stable since v2). */
const REPOSITORIES_DIR = '/var/lib/registry/docker/registry/v2/repositories';

/** The file that exists on a cache's volume once it holds `ref`: its digest's revision if pinned by digest, else its tag. */
export function storedPath(ref: string): string {
  const r = parseRef(ref);
  if (r.digest) return `${r.path}/_manifests/revisions/${r.digest.replace(':', '/')}`;
  return `${r.path}/_manifests/tags/${r.tag ?? 'latest'}`;
}

/**
 * `docker exec` arguments that print which of `refs` a cache holds, one stored path a line.
 * Read from the volume rather than asked over HTTP: a proxy answers a tag lookup by asking its
 * upstream, which is slow offline and, for Docker Hub, counts against nothing useful.
 */
export function cachedCheckArgv(container: string, refs: readonly string[]): string[] {
  const script = `cd "${REPOSITORIES_DIR}" 2>/dev/null || exit 0; for p in "$@"; do [ -e "$p" ] && echo "$p"; done; exit 0`;
  return ['exec', container, 'sh', '-c', script, 'kindlab-cached', ...refs.map(storedPath)];
}

/** The references of `refs` that cachedCheckArgv's output lists. */
export function parseCachedOutput(stdout: string, refs: readonly string[]): Set<string> {
  const listed = new Set(stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
  return new Set(refs.filter((r) => listed.has(storedPath(r))));
}
