// The knobs of the fake world: how fast the simulated cluster moves and which faults it plays.
// A Scenario is plain JSON: the harness writes it to $KINDLAB_FAKE_DIR/scenario.json for the
// fake executables and hands the same object to the fake API server. See test/fakes/README.md.
import { readFileSync } from 'node:fs';

export interface Timings {
  /** Scheduled pod → Running and Ready (once its node has a network, or at once for hostNetwork). */
  podStartMs: number;
  /** Installation `default` seen (operator running) → calico-system objects created. */
  cniDelayMs: number;
  /**
   * A kube-router pod Running on a node → its init container's CNI config in place there, the
   * node Ready (a real node: Ready about 9 s after the DaemonSet is applied).
   */
  cniConfigMs: number;
  /** Job pod Running → Succeeded. */
  jobMs: number;
  /** Namespace Terminating → gone. */
  namespaceDeleteMs: number;
  /** Pod waiting on a failing image pull: ErrImagePull → ImagePullBackOff. */
  imagePullMs: number;
  /** Multiplies the timeouts of simulated commands (`nc -w 3`, `curl -m 5`, nginx's 60 s upstream timeout). */
  probeScale: number;
  /** Delay between the progress lines of the fake `kind create cluster`. */
  kindStepMs: number;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK. */
  bookmarkMs: number;
  /**
   * kube-proxy programs a Service's ClusterIP, node ports and external IPs this long after the
   * simulation first sees them (about 1–2 s on a real node); until then a node port or an external
   * IP refuses and a ClusterIP goes nowhere.
   */
  proxyLagMs: number;
  /** The CNI programs a new NetworkPolicy this long after it appears; until then it lets everything through. */
  policyLagMs: number;
  /**
   * The CNI takes in a new pod this long after it starts (kube-router: about 1 s on a real kind
   * node, in its next sync): until then the pod is in no policy's peer sets (a `from`/`to`
   * podSelector or namespaceSelector does not match it; ipBlocks still do) and its own policies
   * are not applied to it yet. Each connection of a probe pod's command is judged at the moment
   * it would happen (see dataplane/commands.ts), so `nc; sleep 1; nc` can be refused, then open.
   */
  admitLagMs: number;
}

const DEFAULT_TIMINGS: Timings = {
  podStartMs: 25,
  cniDelayMs: 40,
  cniConfigMs: 40,
  jobMs: 20,
  namespaceDeleteMs: 20,
  imagePullMs: 15,
  probeScale: 0.01,
  kindStepMs: 5,
  bookmarkMs: 500,
  proxyLagMs: 0,
  policyLagMs: 0,
  admitLagMs: 0,
};

export interface ImagePullFault {
  namespace: string;
  /** Only pods whose name starts with this. */
  podPrefix?: string;
  /** Only containers whose image contains this. */
  image?: string;
  /** Where the pod settles: ErrImagePull (first failure) or ImagePullBackOff (after the back-off). */
  reason: 'ImagePullBackOff' | 'ErrImagePull';
  /** The registry's answer, e.g. "toomanyrequests: You have reached your unauthenticated pull rate limit. …". */
  message: string;
}

export interface WebhookRefusalFault {
  /** Matches ValidatingWebhookConfiguration webhooks[].name by prefix, e.g. "ipaddresspoolvalidationwebhook". */
  webhookNamePrefix: string;
  /** How many calls are refused even when the webhook service has ready endpoints. */
  count: number;
}

export interface HangFault {
  /** Pods of that add-on's namespace stay ContainerCreating for ever. */
  phase: 'calico' | 'ingress' | 'metallb';
}

export type ProbeOutcome = 'open' | 'refused' | 'timeout' | 'nxdomain';

export interface ProbeOverride {
  /** Which probe pods (label kindlab.io/probe) or `docker run` commands this applies to. */
  namespace?: string;
  podPrefix?: string;
  /** Substring of the joined command line. */
  commandIncludes?: string;
  /** Replace the simulated network outcome; the tool's own text is generated. */
  outcome?: ProbeOutcome;
  /** Or give the exact result. */
  exitCode?: number;
  log?: string;
}

export interface HttpOverride {
  /** Host header (or URL host) to match. */
  host?: string;
  urlIncludes?: string;
  status: number;
  body?: string;
}

export interface KindScenario {
  /** `kind create cluster` stops (sleeps until killed) after printing this stage, e.g. "Starting control-plane". */
  hangAt?: string;
  /** `kind create cluster` fails at "Starting control-plane" with this text (exit 1). */
  failWith?: string;
}

export interface DockerScenario {
  /** `docker run`/`docker pull` of an image that is not present fails with the Docker Hub rate limit. */
  pullRateLimited?: boolean;
  /** This docker command (e.g. "info") never answers until killed, like a wedged daemon. */
  hangOn?: string;
}

export interface DataPlaneScenario {
  /**
   * How the CNI stops what a NetworkPolicy denies: 'drop' (Calico: the client times out) or
   * 'reject' (kube-router, or Calico with iptablesFilterDenyAction: Reject: an ICMP
   * port-unreachable, which the client reports as "connection refused"). Default: 'reject' while
   * a kube-router DaemonSet runs in kube-system, else 'drop'.
   */
  policyBlock?: 'drop' | 'reject';
}

export interface Scenario {
  timings?: Partial<Timings>;
  dataPlane?: DataPlaneScenario;
  faults?: {
    imagePullBackOff?: ImagePullFault | ImagePullFault[];
    webhookRefusals?: WebhookRefusalFault | WebhookRefusalFault[];
    hang?: HangFault;
  };
  probes?: ProbeOverride[];
  http?: HttpOverride[];
  kind?: KindScenario;
  docker?: DockerScenario;
}

export function timingsOf(s: Scenario | undefined): Timings {
  return { ...DEFAULT_TIMINGS, ...(s?.timings ?? {}) };
}

export function asList<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

// ───────────── state.json: what the fake docker/kind know about the "machine" ─────────────

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  state: 'running' | 'exited' | 'created';
  labels: Record<string, string>;
  /** Address on the kind network. */
  ip: string;
  ipv6: string;
  /** Published ports, e.g. "127.0.0.1:80->80/tcp". */
  ports: string[];
  createdAt: string;
  /** When `docker start` last started it again (State.StartedAt); createdAt until then. */
  startedAt?: string;
  /** Networks it is attached to; absent for kind's nodes (always on kind). */
  networks?: string[];
  /** Files written into it with `docker exec` (the nodes' containerd hosts files), by path. */
  files?: Record<string, string>;
  /** `-e` variables it was started with (the caches' registry settings). */
  env?: Record<string, string>;
  /** Named volumes it mounts. */
  volumes?: string[];
}

/** A named volume (`docker volume create`, or made by `docker run -v name:…`). */
export interface FakeVolume {
  name: string;
  labels: Record<string, string>;
  /** For an image cache's volume: the repositories it holds, `<path>:<tag>`. */
  images?: string[];
}

export interface FakeNetwork {
  name: string;
  id: string;
  subnet: string;
  gateway: string;
  ipv6Subnet: string;
  ipv6Gateway: string;
  /** Docker lists the IPv6 IPAM entry first on many hosts. */
  ipv6First: boolean;
}

export interface FakeCluster {
  name: string;
  nodes: string[];
  image: string;
  /** Where kind wrote the kubeconfig. */
  kubeconfig: string;
  token: string;
  podSubnet: string;
  createdAt: string;
}

export interface FakeState {
  daemon: 'up' | 'down';
  dockerContext: string;
  dockerHost: string;
  clientVersion: string;
  serverVersion: string;
  operatingSystem: string;
  osType: string;
  cgroupVersion: '1' | '2';
  memTotal: number;
  ncpu: number;
  rootless: boolean;
  kindVersion: string;
  kubectlVersion: string;
  /** Host ports something else already listens on; kind create fails when it maps one. */
  portsInUse: number[];
  /** Images present in the local image store. */
  images: string[];
  network: FakeNetwork | null;
  clusters: Record<string, FakeCluster>;
  containers: FakeContainer[];
  /** Named volumes; absent in older state files. */
  volumes?: FakeVolume[];
}

/** The machine before a test changes it (default-state.json, shared with the fake tools). */
export function defaultState(): FakeState {
  return JSON.parse(readFileSync(new URL('./default-state.json', import.meta.url), 'utf8')) as FakeState;
}
