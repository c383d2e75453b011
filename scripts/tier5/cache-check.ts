// The pure half of tier 5's image-cache check: did every image a pod runs come from a kindlab
// cache, and did nothing go upstream? Inputs are what the impure half collects (cache.ts): the
// pods (`kubectl get pods -A -o json`), each cache's log (`docker logs kindlab-cache-<upstream>`,
// whose access-log lines are the registry's own record of what it served), the boot images (the
// ones the node image carries, which no cache has to serve) and the list `kindlab cache status`
// gives. Nothing here runs a process.

/** An image reference taken apart as a registry sees it. */
export interface ImageRef {
  /** The registry host the image is named by: docker.io, quay.io, registry.k8s.io, … */
  upstream: string;
  /** The repository inside it (library/nginx for docker.io's nginx). */
  path: string;
  tag?: string;
  digest?: string;
}

/** Docker's short names and its registry's other host names, all normalised to docker.io. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let upstream = 'docker.io';
  const first = parts[0] ?? '';
  // The first component names a registry only when it looks like a host (as docker decides).
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    upstream = first;
    parts.shift();
  }
  if (DOCKER_HUB.has(upstream)) {
    upstream = 'docker.io';
    if (parts.length === 1) parts.unshift('library');
  }
  if (!tag && !digest) tag = 'latest';
  return { upstream, path: parts.join('/'), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** upstream/path:tag (or @digest): the one spelling two references of the same image share. */
export function imageKey(ref: string): string {
  const r = parseImageRef(ref);
  return `${r.upstream}/${r.path}${r.tag ? `:${r.tag}` : `@${r.digest ?? ''}`}`;
}

/** One request of a registry's access log (the combined log format of its HTTP handler). */
export interface AccessLine {
  method: string;
  /** The repository (library/nginx). */
  path: string;
  kind: 'manifests' | 'blobs';
  /** A tag or a digest for manifests, a digest for blobs. */
  reference: string;
  status: number;
  userAgent: string;
}

const ACCESS = /"([A-Z]+) \/v2\/(\S+)\/(manifests|blobs)\/([^\s/?]+)(?:\?\S*)? HTTP\/[\d.]+" (\d{3}) \S+ "[^"]*" "([^"]*)"/;

export function parseAccessLog(text: string): AccessLine[] {
  const out: AccessLine[] = [];
  for (const line of text.split('\n')) {
    const m = ACCESS.exec(line);
    if (!m) continue;
    out.push({ method: m[1] ?? '', path: m[2] ?? '', kind: m[3] === 'blobs' ? 'blobs' : 'manifests', reference: m[4] ?? '', status: Number(m[5]), userAgent: m[6] ?? '' });
  }
  return out;
}

/** One container of one pod, as its status reports it. */
export interface PodImage {
  pod: string;
  container: string;
  image: string;
  imageID: string;
}

interface ContainerStatus {
  name?: string;
  image?: string;
  imageID?: string;
}
interface PodList {
  items?: { metadata?: { namespace?: string; name?: string }; status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] } }[];
}

/** Every container (init containers too) of `kubectl get pods -A -o json`. */
export function podImages(json: string): PodImage[] {
  const list = JSON.parse(json) as PodList;
  const out: PodImage[] = [];
  for (const p of list.items ?? []) {
    const pod = `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      out.push({ pod, container: c.name ?? '', image: c.image ?? '', imageID: c.imageID ?? '' });
    }
  }
  return out;
}

/** The digest of an imageID (docker.io/library/nginx@sha256:…, or a bare sha256:…). */
function digestOf(imageID: string): string | undefined {
  const m = /(sha256:[0-9a-f]{64})/.exec(imageID);
  return m?.[1];
}

export interface ServedInput {
  pods: PodImage[];
  /** Each cache's log, by upstream (docker.io, quay.io, …). */
  logs: Map<string, string>;
  /** Images the node image carries (image keys or references): exempt. */
  boot: string[];
  /** The references `kindlab cache status` lists. */
  inventory: string[];
  /** Without a boot list, only the inventory's images are held to the check (a node image from elsewhere carries images this script cannot name). */
  strict: boolean;
}

export interface ServedImage {
  image: string;
  upstream: string;
  pods: string[];
  manifestRequests: number;
  blobRequests: number;
}

export interface ServedResult {
  served: ServedImage[];
  /** Boot images the pods run from the node image. */
  fromNodeImage: string[];
  problems: string[];
}

/**
 * Every image of every pod that is not a boot image must have been served by its upstream's
 * cache: a manifest (by the pod's tag or by its imageID's digest) and at least one blob answered
 * 200 to a GET or HEAD. A pod image no one accounts for (neither boot nor in the inventory) is a
 * gap in `cache status`' list.
 */
export function judgeServed(input: ServedInput): ServedResult {
  const boot = new Set(input.boot.map(imageKey));
  const inventory = new Set(input.inventory.map(imageKey));
  const access = new Map<string, AccessLine[]>();
  for (const [upstream, text] of input.logs) access.set(upstream, parseAccessLog(text));
  const byImage = new Map<string, { pods: Set<string>; digests: Set<string>; ref: ImageRef }>();
  const problems: string[] = [];
  const fromNodeImage = new Set<string>();
  for (const p of input.pods) {
    if (!p.image) {
      problems.push(`${p.pod} ${p.container}: no image in its status`);
      continue;
    }
    const key = imageKey(p.image);
    if (boot.has(key)) {
      fromNodeImage.add(key);
      continue;
    }
    if (!inventory.has(key)) {
      if (!input.strict) continue;
      problems.push(`${p.pod} ${p.container} runs ${p.image}, which is neither a boot image of the node image nor in \`kindlab cache status\`' list`);
    }
    if (!p.imageID) problems.push(`${p.pod} ${p.container}: ${p.image} has not been pulled (no imageID)`);
    const e = byImage.get(key) ?? { pods: new Set<string>(), digests: new Set<string>(), ref: parseImageRef(p.image) };
    e.pods.add(p.pod);
    const d = digestOf(p.imageID);
    if (d) e.digests.add(d);
    byImage.set(key, e);
  }
  const served: ServedImage[] = [];
  for (const [key, e] of byImage) {
    const lines = (access.get(e.ref.upstream) ?? []).filter((l) => l.path === e.ref.path && l.status === 200 && (l.method === 'GET' || l.method === 'HEAD'));
    const manifests = lines.filter((l) => l.kind === 'manifests' && (l.reference === e.ref.tag || l.reference === e.ref.digest || e.digests.has(l.reference)));
    const blobs = lines.filter((l) => l.kind === 'blobs');
    const pods = [...e.pods].sort();
    if (!input.logs.has(e.ref.upstream)) problems.push(`${key} (${pods.join(', ')}): there is no cache for ${e.ref.upstream}`);
    else if (manifests.length === 0 || blobs.length === 0)
      problems.push(`${key} (${pods.join(', ')}): kindlab-cache-${e.ref.upstream} served ${manifests.length} manifest and ${blobs.length} blob requests for it; the pods got it elsewhere`);
    else served.push({ image: key, upstream: e.ref.upstream, pods, manifestRequests: manifests.length, blobRequests: blobs.length });
  }
  return { served: served.sort((a, b) => a.image.localeCompare(b.image)), fromNodeImage: [...fromNodeImage].sort(), problems };
}

/**
 * Lines of a cache's log that show it reaching out: a pull-through fetch or its failure. The
 * registry's own trace exporter (OpenTelemetry to localhost:4318, on unless OTEL_TRACES_EXPORTER=none)
 * talks to this container only and is not upstream traffic.
 */
export function upstreamLines(log: string): string[] {
  return log
    .split('\n')
    .filter((l) => /remoteurl|proxy|upstream|no such host|dial tcp|i\/o timeout|tls handshake/i.test(l))
    .filter((l) => !/localhost:4318|\/v1\/traces|traces export/.test(l));
}

/**
 * Lines of a node's containerd journal that show a pull leaving the cache: a mirror that failed
 * ("trying next host") or a request to an upstream that failed, as it must on a machine without
 * a registry.
 */
export function containerdUpstreamLines(journal: string): string[] {
  return journal.split('\n').filter((l) => /trying next host|failed to (resolve|do request|pull and unpack)|no such host|dial tcp|i\/o timeout/i.test(l));
}

/** Bytes as the table shows them. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e3).toFixed(1)} kB`;
}
