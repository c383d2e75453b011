// The one contract between kindlab's UI and its engine. Types only, no code.
//
// Every host implements exactly this surface:
//   - Electron: ipcMain.handle(channel) + webContents.send('kindlab:event') (electron/main.ts, preload.ts)
//   - browser mode: JSON messages over a WebSocket (electron/server/)
//   - the `kindlab` CLI: calls the engine in-process through the same `KindlabApi`
//
// Requests are request/response pairs keyed by a channel name (`area:verb`). Long operations
// (cluster up/down/reset, lab runs) take an `opId` chosen by the caller, so the caller can
// subscribe to that operation's events before it starts and cancel it with `op:cancel`.
// Failures are data: every host turns a thrown engine error into `Envelope.failure`.

export type Lang = 'en' | 'zh';

/**
 * Words for people, in both languages. The engine writes both; the edge that shows them (the
 * CLI, the UI) picks the learner's, so switching language redraws what is already on screen
 * (a doctor card, an error, a check's verdict) without running anything again.
 */
export interface LocalizedText {
  en: string;
  zh: string;
}

/**
 * Text shown to people: a plain string when it reads the same in every language (a name, a
 * command, a tool's own output), else both languages. electron/shared/text.ts `textIn` picks one.
 */
export type Text = string | LocalizedText;

// ───────────────────────────── failures ─────────────────────────────

export type FailureCode =
  | 'tool-missing' // docker / kind / kubectl not found
  | 'tool-too-old' // found, but outside the supported versions
  | 'daemon-unreachable' // the container engine does not answer
  | 'port-in-use' // a host port the cluster needs is taken
  | 'cluster-exists' // a cluster of that name exists and cannot be reused
  | 'cluster-missing' // the operation needs a cluster that does not exist
  | 'busy' // another lifecycle operation is running
  | 'cancelled' // the user cancelled
  | 'timeout' // a bounded wait ran out
  | 'command-failed' // a tool exited non-zero
  | 'webhook-not-ready' // an admission webhook kept refusing
  | 'image-pull' // a pod cannot pull its image
  | 'checksum-mismatch' // a cached or downloaded manifest has the wrong sha256
  | 'download-failed' // a pinned manifest could not be fetched
  | 'bad-input' // a wrong flag, a malformed file, a bad argument
  | 'lab-invalid' // a lab file does not pass the schema
  | 'kube-api' // the Kubernetes API answered with an error
  | 'internal'; // a bug in kindlab

export interface Failure {
  code: FailureCode;
  /** One line: what went wrong. */
  message: Text;
  /** What the learner should do about it. */
  hint: Text;
  /**
   * The same advice for the app's window, where it differs: it names the app's buttons
   * (electron/shared/app-labels.ts) instead of command-line flags. The window shows it instead of `hint`.
   */
  appHint?: Text;
  /** The command that was running, as an argument vector. */
  command?: string[];
  exitCode?: number | null;
  /** The last lines the command wrote to stderr. */
  stderrTail?: string[];
  /** The phase of the operation that failed. */
  phase?: string;
  /** Evidence gathered after the failure: events, pod states, last log lines. */
  diagnostics?: Text[];
  /**
   * When the machine's checks stopped the operation (up's preflight): every check that failed,
   * each with its own finding and fix, so none hides behind the first.
   */
  findings?: DoctorFinding[];
}

export type Envelope<T> = { ok: true; result: T } | { ok: false; failure: Failure };

// ───────────────────────────── operations and progress ─────────────────────────────

export type OpKind = 'up' | 'down' | 'reset-fast' | 'reset-full' | 'lab-run' | 'lab-cleanup' | 'cache-warm' | 'cache-clear' | 'bundle-export' | 'bundle-import';

export type PhaseState = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface PhaseInfo {
  id: string;
  title: Text;
  state: PhaseState;
  /** 0..1 within this phase. */
  fraction: number;
  message?: Text;
  durationMs?: number;
}

export type LogStream = 'stdout' | 'stderr' | 'info' | 'warn';

export type OpEvent =
  | { opId: string; type: 'started'; kind: OpKind; phases: PhaseInfo[] }
  | { opId: string; type: 'phase'; phase: PhaseInfo }
  /** `warn`: something the learner should read even after the operation succeeded (a preflight warning). */
  | { opId: string; type: 'log'; phaseId: string; stream: LogStream; line: Text }
  | { opId: string; type: 'finished'; ok: true; durationMs: number; phases: PhaseInfo[] }
  | { opId: string; type: 'finished'; ok: false; failure: Failure; durationMs: number; phases: PhaseInfo[] };

/** A running operation as `op:list` reports it: enough for a reloaded window to draw its progress again. */
export interface RunningOp {
  opId: string;
  kind: OpKind;
  phases: PhaseInfo[];
  /** When it started (the engine's clock, ms since the epoch). */
  startedAt: number;
  /** Its newest log lines, oldest first (at most 200). */
  log: Omit<Extract<OpEvent, { type: 'log' }>, 'opId' | 'type'>[];
}

export interface OpRequest {
  /** Caller-chosen id used to correlate events and to cancel. Generated when omitted. */
  opId?: string;
}

// ───────────────────────────── app and settings ─────────────────────────────

export interface AppInfo {
  version: string;
  dataDir: string;
  platform: 'linux' | 'darwin' | 'win32' | string;
  lang: Lang;
  pins: VersionPins;
}

export interface VersionPins {
  kind: string;
  nodeImage: string;
  kubernetes: string;
  calico: string;
  kubeRouter: string;
  ingressNginx: string;
  traefik: string;
  metallb: string;
}

/** The pod network: Calico (the book's) or kube-router (also enforces NetworkPolicy). */
export type CniChoice = 'calico' | 'kube-router';
/** The ingress controller: ingress-nginx (the book's, retired upstream) or Traefik (serves the same Ingresses). */
export type IngressChoice = 'ingress-nginx' | 'traefik';

export interface ClusterSettings {
  /** kind cluster name; the book uses cluster01. */
  name: string;
  /** Bind the ingress ports 80/443 on all host interfaces instead of 127.0.0.1 (the book's behaviour). */
  lanAccess: boolean;
  /** In LAN mode, the host address the learner picked for nip.io names. */
  hostAddress?: string;
  /** The kind node image; the pinned kindest/node when absent (a classroom mirror, an image built offline). */
  nodeImage?: string;
  cni: CniChoice;
  ingress: IngressChoice;
  /** Run the image cache (one registry per upstream on the kind network) and point the nodes at it; on unless turned off. */
  imageCache?: boolean;
}

// ───────────────────────────── doctor ─────────────────────────────

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type DoctorCategory = 'tools' | 'engine' | 'host' | 'cluster' | 'network';

export interface DoctorFinding {
  id: string;
  category: DoctorCategory;
  title: Text;
  status: CheckStatus;
  /** One line: what was found. */
  finding: Text;
  /** What to do; present for warn and fail. */
  fix?: Text;
  /** The fix for the app's window, where it differs from `fix`: buttons and fields, never a command-line flag. */
  appFix?: Text;
  /** Commands that implement the fix, shown copyable in the UI. */
  fixCommands?: string[];
}

export interface DoctorReport {
  ok: boolean;
  findings: DoctorFinding[];
  durationMs: number;
}

// ───────────────────────────── cluster ─────────────────────────────

export interface AddressPool {
  name: string;
  addresses: string[];
}

export interface PoolPlan {
  subnet: string;
  gateway: string | null;
  pools: AddressPool[];
}

export interface PlanStep {
  phase: string;
  kind: 'command' | 'manifest' | 'apply' | 'patch' | 'wait';
  description: Text;
  argv?: string[];
  url?: string;
  version?: string;
  sha256?: string;
}

export interface ClusterPlan {
  settings: ClusterSettings;
  kubeconfig: string;
  /** The node image `kind create` is given. */
  nodeImage: string;
  steps: PlanStep[];
}

export type AddonId = 'calico' | 'kube-router' | 'ingress-nginx' | 'traefik' | 'metallb';

export interface AddonHealth {
  id: AddonId;
  version: string;
  state: 'ready' | 'degraded' | 'missing' | 'unknown';
  message: Text;
}

export interface NodeInfo {
  name: string;
  role: 'control-plane' | 'worker';
  ready: boolean;
  internalIP: string | null;
  kubeletVersion: string | null;
}

export interface ClusterStatus {
  name: string;
  exists: boolean;
  /** The cluster's own kubeconfig (never the learner's ~/.kube/config). */
  kubeconfig: string;
  apiReachable: boolean;
  nodes: NodeInfo[];
  addons: AddonHealth[];
  pools: AddressPool[];
  /** Leftover node containers that belong to no complete cluster. */
  leftovers: string[];
  /** Objects the labs left on the cluster, by lab id (a lab's namespace counts once); `reset --fast` removes them. */
  labObjects: Record<string, number>;
  /** The address the labs use for nip.io names and ingress probes. */
  ingressAddress: string;
  /** What the cluster was built with (or will be, when it does not exist yet). */
  cni: CniChoice;
  ingress: IngressChoice;
  nodeImage: string;
}

export type ResetMode = 'fast' | 'full';

// ───────────────────────────── pinned manifests ─────────────────────────────

export interface ManifestInfo {
  id: string;
  addon: AddonId;
  version: string;
  url: string;
  sha256: string;
  /** The release file's own name (the last part of the URL): what `manifests import` looks for. */
  file: string;
  /** A verified copy is in the cache: `up` needs no download for it. */
  cached: boolean;
}

export interface ManifestImportResult {
  /** Files that match a pin and are now in the cache. */
  imported: { file: string; id: string; sha256: string }[];
  /** Files named like a pinned manifest whose sha256 is not the pin's: not imported. */
  refused: { file: string; id: string; expected: string; got: string }[];
  /** Other files in the folder (neither the name nor the hash of any pin). */
  ignored: string[];
  cacheDir: string;
}

// ───────────────────────────── labs ─────────────────────────────

export interface LabSummary {
  id: string;
  order: number;
  title: LocalizedText;
  summary: LocalizedText;
  steps: number;
  languages: Lang[];
  /** Lab ids this lab expects to have run (for ordering in the UI). */
  requires: string[];
}

export interface LabProblem {
  /** Lab folder id, when known. */
  lab: string;
  /** File relative to the labs folder. */
  file: string;
  /** Path inside the file, e.g. steps[2].checks[0].port */
  path: string;
  reason: string;
}

export type Layer = 'dns' | 'service' | 'endpoints' | 'policy' | 'cni' | 'nodeport' | 'lb-ip' | 'ingress' | 'pod' | 'cluster';

export interface CheckResult {
  id: string;
  /** The check's words in the language the run was asked for (`lab:run`'s lang, else English); `localized` has both. */
  description: string;
  status: 'pass' | 'fail' | 'skipped';
  expected: string;
  observed: string;
  /** The first layer that failed, and what to look at there. */
  layer?: Layer;
  hint?: string;
  /** The same words in both languages: a verdict on screen follows a switch of language without running the check again. */
  localized: { description: LocalizedText; expected: LocalizedText; observed: LocalizedText; hint?: LocalizedText };
  durationMs: number;
}

export interface ActionView {
  kind: 'apply' | 'command' | 'wait' | 'delete' | 'record';
  description: string;
  /** For command actions: the command exactly as shown in the terminal. */
  command?: string;
  /** For apply/delete actions: the manifest file relative to the lab folder. */
  file?: string;
}

export interface CheckView {
  id: string;
  type: string;
  description: string;
}

export interface LabStepView {
  index: number;
  id: string;
  title: string;
  markdown: string;
  actions: ActionView[];
  checks: CheckView[];
  /** Why the step has no check, when it has none. */
  noCheckReason?: string;
}

export interface LabDetail {
  summary: LabSummary;
  lang: Lang;
  intro: string;
  steps: LabStepView[];
}

export interface StepRunResult {
  index: number;
  id: string;
  status: 'pass' | 'fail' | 'skipped';
  actions: { description: Text; status: 'done' | 'failed' | 'skipped'; output?: Text }[];
  checks: CheckResult[];
}

export interface LabRunResult {
  lab: string;
  dryRun: boolean;
  steps: StepRunResult[];
  ok: boolean;
}

// ───────────────────────────── live views ─────────────────────────────

export type WatchKind = 'nodes' | 'pods' | 'services' | 'endpointslices' | 'ingresses' | 'networkpolicies' | 'ipaddresspools';

export interface WatchTarget {
  kind: WatchKind;
  namespace?: string;
  labelSelector?: string;
}

/** A resource reduced to what the live views draw. */
export interface ResourceRow {
  uid: string;
  kind: WatchKind;
  namespace: string | null;
  name: string;
  /** Short status word: Running, Ready, Pending, <pending>, … */
  status: string;
  labels: Record<string, string>;
  /** Kind-specific facts, e.g. podIP, node, clusterIP, ports, externalIP, addresses. */
  fields: Record<string, string>;
}

export type WatchEvent =
  | { watchId: string; type: 'snapshot'; rows: ResourceRow[] }
  | { watchId: string; type: 'upsert'; row: ResourceRow }
  | { watchId: string; type: 'delete'; uid: string }
  | { watchId: string; type: 'error'; failure: Failure };

// ───────────────────────────── image cache and offline bundle ─────────────────────────────

/** proxy: each cache pulls through from its upstream and keeps what it pulled. local: it serves only what was pushed into it (offline). */
export type CacheMode = 'proxy' | 'local';

/** One registry cache: a container on the kind network and a volume, for one upstream registry. */
export interface CacheUpstream {
  /** The upstream registry host the images are named by: docker.io, quay.io, registry.k8s.io, ghcr.io, … */
  upstream: string;
  /** The container's name, kindlab-cache-<upstream>. */
  container: string;
  volume: string;
  /** Where containerd inside the nodes reaches it: http://kindlab-cache-<upstream>:5000. */
  endpoint: string;
  /** The host port it is published on (127.0.0.1), through which `cache warm` pushes in local mode. */
  hostPort: number | null;
  exists: boolean;
  running: boolean;
  /** Bytes on its volume; null when unknown. */
  sizeBytes: number | null;
}

/** One image a pinned add-on or a lab runs. */
export interface CacheImage {
  /** The reference as the manifest or the lab writes it (tag and/or digest). */
  ref: string;
  upstream: string;
  /** Who runs it: add-on ids (calico, traefik, …) and lab:<id>. */
  usedBy: string[];
  cached: boolean;
  sizeBytes: number | null;
}

export interface CacheStatus {
  enabled: boolean;
  mode: CacheMode;
  upstreams: CacheUpstream[];
  images: CacheImage[];
  cachedCount: number;
  totalCount: number;
  /** Bytes on all cache volumes. */
  totalBytes: number;
}

/** What `bundle export` wrote or `bundle import` read. */
export interface BundleResult {
  file: string;
  bytes: number;
  images: number;
  manifests: number;
  durationMs: number;
}

// ───────────────────────────── terminal ─────────────────────────────

export interface TerminalOpenRequest {
  cols: number;
  rows: number;
  /** The language of kindlab's own lines in the shell (the kubectl that finds no cluster yet); the engine's when absent. */
  lang?: Lang;
}

export interface TerminalSession {
  sessionId: string;
  shell: string;
  /** KUBECONFIG inside the terminal: the lab cluster's own file. */
  kubeconfig: string;
}

// ───────────────────────────── the channel maps ─────────────────────────────

export interface KindlabRequests {
  'app:info': { req: void; res: AppInfo };

  'doctor:run': { req: { settings?: Partial<ClusterSettings> }; res: DoctorReport };

  'config:kind': { req: { settings?: Partial<ClusterSettings> }; res: { yaml: string } };
  'pools:compute': { req: { inspectJson?: string }; res: PoolPlan };

  'cluster:plan': { req: { settings?: Partial<ClusterSettings> }; res: ClusterPlan };
  'cluster:status': { req: { settings?: Partial<ClusterSettings> }; res: ClusterStatus };
  'cluster:up': { req: OpRequest & { settings?: Partial<ClusterSettings> }; res: ClusterStatus };
  'cluster:down': { req: OpRequest & { settings?: Partial<ClusterSettings> }; res: { deleted: boolean } };
  'cluster:reset': { req: OpRequest & { mode: ResetMode; settings?: Partial<ClusterSettings> }; res: ClusterStatus };
  'op:cancel': { req: { opId: string }; res: { cancelled: boolean } };
  /** The running operations; the asking window hears their further events (a reloaded window re-attaches to a build). */
  'op:list': { req: void; res: { ops: RunningOp[] } };

  'manifests:list': { req: void; res: { manifests: ManifestInfo[]; cacheDir: string } };
  'manifests:import': { req: { dir: string }; res: ManifestImportResult };

  /** Every image the pinned add-ons (each CNI and ingress choice) and the labs need, and which are cached. */
  'cache:status': { req: { settings?: Partial<ClusterSettings> }; res: CacheStatus };
  /** Start the caches and fill them ahead of time; one phase per upstream, progress per image. */
  'cache:warm': { req: OpRequest & { settings?: Partial<ClusterSettings>; mode?: CacheMode }; res: CacheStatus };
  /** Remove every cache container and volume (the only thing that does). */
  'cache:clear': { req: OpRequest; res: { removed: string[] } };
  /**
   * One archive with every image and pinned manifest a cluster and its labs need: of every CNI and
   * ingress choice, or with `onlyChosen` of those the settings choose (smaller; offline, the
   * learner cannot switch to another).
   */
  'bundle:export': { req: OpRequest & { file: string; settings?: Partial<ClusterSettings>; onlyChosen?: boolean }; res: BundleResult };
  /** Verify an archive against the pins, then put its manifests in the manifest cache and its images in the caches (local mode). */
  'bundle:import': { req: OpRequest & { file: string }; res: BundleResult };

  'labs:list': { req: { dir?: string }; res: { labs: LabSummary[]; problems: LabProblem[] } };
  'labs:validate': { req: { dir?: string }; res: { problems: LabProblem[] } };
  /** `settings`: the cluster whose values fill the text (its name, as for `cluster:*`); the default cluster's when absent. */
  'lab:get': { req: { id: string; lang: Lang; settings?: Partial<ClusterSettings> }; res: LabDetail };
  /** `settings`: the cluster the lab runs against (its name, as for `cluster:*`); the default cluster when absent. */
  /** `lang`: the language of the checks' plain-string words (their `localized` carries both); English when absent. */
  'lab:run': { req: OpRequest & { id: string; step?: number; dryRun?: boolean; lang?: Lang; settings?: Partial<ClusterSettings> }; res: LabRunResult };
  'lab:cleanup': { req: OpRequest & { id: string; settings?: Partial<ClusterSettings> }; res: { removed: number } };

  'watch:start': { req: { watchId: string; target: WatchTarget }; res: void };
  'watch:stop': { req: { watchId: string }; res: void };

  'terminal:open': { req: TerminalOpenRequest; res: TerminalSession };
  'terminal:input': { req: { sessionId: string; data: string }; res: void };
  'terminal:resize': { req: { sessionId: string; cols: number; rows: number }; res: void };
  /** Flow control: the renderer has parsed this many characters of `terminal:data`. */
  'terminal:ack': { req: { sessionId: string; chars: number }; res: void };
  'terminal:close': { req: { sessionId: string }; res: void };
}

export interface KindlabEvents {
  op: OpEvent;
  watch: WatchEvent;
  'terminal:data': { sessionId: string; data: string };
  'terminal:exit': { sessionId: string; exitCode: number | null };
}

export type Channel = keyof KindlabRequests;
export type RequestOf<C extends Channel> = KindlabRequests[C]['req'];
export type ResponseOf<C extends Channel> = KindlabRequests[C]['res'];

export type EventName = keyof KindlabEvents;
export type EventEnvelope = { [E in EventName]: { event: E; payload: KindlabEvents[E] } }[EventName];

/** What every host offers the UI, and what the engine offers every host. */
export interface KindlabApi {
  invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
}

/** Wire format of the browser-mode WebSocket (and the Electron IPC payloads). */
export type ClientMessage = { id: number; channel: Channel; req: unknown };
export type ServerMessage =
  | { id: number; envelope: Envelope<unknown> }
  | { event: EventEnvelope };
