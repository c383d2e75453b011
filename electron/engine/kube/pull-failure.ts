// Why a pod cannot pull its image, and what the learner can do about it. The kubelet writes the
// registry's answer into the container's waiting message (ErrImagePull / ImagePullBackOff) and
// into its `Failed` events, in containerd's words. Three causes need three different fixes, so
// they are told apart here, from those words alone:
//
// - rate-limited: the registry answered 429 (Docker Hub: "toomanyrequests: You have reached your
//   pull rate limit"). Every kind node pulls anonymously from the same address, and Docker Hub
//   allows 10 anonymous pulls an hour, so one reset of a classroom can use it up. The way out is
//   the image cache (filled once, then nothing is pulled upstream) or a login.
// - image-missing: the registry answered, but has no such image ("…: not found", "manifest
//   unknown", or Docker Hub's "pull access denied, repository does not exist…" for a repository
//   that is gone). Waiting does not help. The Bitnami case belongs here: Bitnami moved its free
//   images to docker.io/bitnamilegacy in 2025, so the book's `bitnami/*` tags answer "not found".
// - network: the registry was never reached (DNS, a timeout, a refused connection, a proxy, a
//   TLS certificate a proxy put in between). A classroom without internet ends here; the cache
//   or an offline bundle is the way out.
//
// Pure: the callers (the add-on watchdog, the lab checks and probes) bring the pod and its events.
import type { LocalizedText } from '../../api.ts';
import { APP_LABELS } from '../../shared/app-labels.ts';
import type { Pins } from '../addons/pins.ts';
import { canonicalRef, upstreamOf } from '../cache/mirrors.ts';
import type { KubeObject } from './client.ts';
import { type PodProblem, isPullProblem, podProblems } from './readiness.ts';

export type PullClass = 'rate-limited' | 'image-missing' | 'network' | 'unknown';

/** What went wrong with one pull, and the fix in both languages for each surface. */
export interface PullFailure {
  class: PullClass;
  pod: string;
  namespace: string;
  container: string;
  /** ErrImagePull, ImagePullBackOff, InvalidImageName, … */
  reason: string;
  /** The image as the pod names it. */
  image?: string;
  /** The same image with its registry and tag spelled out (docker.io/library/nginx:latest). */
  ref?: string;
  /** The registry the pull goes to: docker.io, quay.io, registry.k8s.io, … */
  upstream?: string;
  /** The registry's (or the network's) words that decided the class, one line. */
  evidence: string;
  /** A few words for a progress line: "rate-limited by docker.io". */
  label: LocalizedText;
  /** The fix for the command line: names kindlab's commands. */
  hint: LocalizedText;
  /** The fix for the app's window: names its buttons instead of commands. */
  appHint: LocalizedText;
  /** The fix where both may read it (a lab check's result): the button and the command. */
  anyHint: LocalizedText;
}

export interface PullContext {
  /** Who asks for the image, when known: "Calico v3.32.1", "the lab ingress". */
  usedBy?: LocalizedText;
}

/** A pull that waiting will not fix: the install or the probe may stop at once. */
export function hopeless(c: PullClass): boolean {
  return c === 'rate-limited' || c === 'image-missing';
}

// ── references ──

/** The reference as containerd spells it: registry, library/ for Docker Hub's official images, a tag (the cache's own parser). */
export const fullRef = canonicalRef;
export { upstreamOf };

function isBitnami(image: string): boolean {
  return /^(?:(?:docker\.io|index\.docker\.io)\/)?bitnami\//.test(image);
}

// ── the words ──

interface Rule {
  class: Exclude<PullClass, 'unknown'>;
  /** A short cause for network failures. */
  cause?: LocalizedText;
  test: RegExp;
}

// Order matters: a rate limit is reported with "unexpected status code … 429", and a proxy's TLS
// or DNS trouble never reaches a "not found". The shapes are containerd's and the kubelet's as
// issues of kubernetes, kind and containerd quote them (see pull-failure.spec.ts).
const RULES: Rule[] = [
  { class: 'rate-limited', test: /toomanyrequests|429 Too Many Requests|pull rate limit|rate limit exceeded/i },
  // The node asked kindlab's own cache (a mirror in its hosts.toml) and nothing answered: the
  // cache container is stopped or gone. containerd normally moves on to the upstream, so this is
  // the last word only where the upstream cannot be reached either.
  {
    class: 'network',
    cause: { en: "kindlab's image cache did not answer (its container kindlab-cache-… is stopped or removed; the next build or reset starts it again)", zh: 'kindlab 的镜像缓存没有响应（它的容器 kindlab-cache-… 已停止或被删除；下一次创建或重置集群会重新启动它）' },
    test: /kindlab-cache-[\w.-]+[^\n]*(no such host|server misbehaving|connection refused|i\/o timeout|no route to host)/i,
  },
  { class: 'network', cause: { en: 'the proxy refused or failed', zh: '代理拒绝连接或出错' }, test: /proxyconnect|Proxy Authentication Required|\b407\b/i },
  { class: 'network', cause: { en: 'a TLS certificate was not trusted (a proxy that inspects TLS?)', zh: 'TLS 证书不受信任（是否有检查 TLS 的代理？）' }, test: /x509:|certificate signed by unknown authority|tls: failed to verify certificate/i },
  { class: 'network', cause: { en: 'the registry name did not resolve (DNS)', zh: '镜像仓库的域名无法解析（DNS）' }, test: /no such host|server misbehaving|Temporary failure in name resolution|lookup [^\s:]+[^\n]*(i\/o timeout|connection refused)/i },
  { class: 'network', cause: { en: 'the connection timed out', zh: '连接超时' }, test: /i\/o timeout|TLS handshake timeout|Client\.Timeout exceeded|context deadline exceeded|net\/http: request canceled/i },
  { class: 'network', cause: { en: 'the connection was refused or cut', zh: '连接被拒绝或中断' }, test: /connection refused|network is unreachable|no route to host|connection reset by peer|unexpected EOF/i },
  {
    class: 'image-missing',
    test: /:\s*not found\b|manifest unknown|code = NotFound|repository does not exist|insufficient_scope|name unknown|no match for platform in manifest|InvalidImageName|invalid reference format/i,
  },
];

/** The class of one text (a waiting message, an event), with the line that decided it. */
export function classifyPullText(text: string): { class: PullClass; evidence: string; cause?: LocalizedText } {
  for (const rule of RULES) {
    const line = text.split('\n').find((l) => rule.test.test(l));
    if (line !== undefined) return { class: rule.class, evidence: line.trim(), ...(rule.cause ? { cause: rule.cause } : {}) };
  }
  return { class: 'unknown', evidence: (text.split('\n')[0] ?? '').trim() };
}

interface EventObj extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { name?: string };
}

function when(e: EventObj): string {
  return e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
}

/** The pull failures the kubelet reported for `pod` in `events`, newest first (without its bare "Error: ErrImagePull"). */
export function pullEventMessages(events: KubeObject[], pod?: string): string[] {
  return (events as EventObj[])
    .filter((e) => e.reason === 'Failed' && (!pod || !e.involvedObject?.name || e.involvedObject.name === pod))
    .filter((e) => /pull/i.test(e.message ?? '') && !/^Error: (ErrImagePull|ImagePullBackOff)$/.test(e.message ?? ''))
    .sort((a, b) => when(b).localeCompare(when(a)))
    .map((e) => e.message ?? '');
}

// ── the fixes ──

function fill(t: LocalizedText, vars: Record<string, string | LocalizedText>): LocalizedText {
  const sub = (s: string, lang: 'en' | 'zh') => s.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    return v === undefined ? '' : typeof v === 'string' ? v : v[lang];
  });
  return { en: sub(t.en, 'en'), zh: sub(t.zh, 'zh') };
}

// The nodes and the cache's proxy pull anonymously, so a login on the host helps only with pulls
// its own engine makes: those images then go into the cache by a local-mode warm (a push).
const LOGIN_CLI: LocalizedText = {
  en: 'To go on before it clears, log in on this machine (`docker login`: 100 pulls an hour), `docker pull` the images `kindlab cache status` lists as not cached, and push them into the cache with `kindlab cache warm --mode local`.',
  zh: '如果不想等它解除，请在本机登录（`docker login`：每小时 100 次），用 `docker pull` 拉取 `kindlab cache status` 列为未缓存的镜像，再用 `kindlab cache warm --mode local` 把它们推入缓存。',
};

/** How each surface says "fill the cache", "use an offline bundle" and "log in". */
const WAYS = {
  cli: {
    warm: { en: '`kindlab cache warm`', zh: '`kindlab cache warm`' },
    bundle: { en: 'import an offline bundle (`kindlab bundle import FILE`, exported on a machine with internet)', zh: '导入离线包（`kindlab bundle import 文件`，在能上网的机器上导出）' },
    login: LOGIN_CLI,
  },
  app: {
    warm: { en: `${APP_LABELS.downloadLabImages.en} on the ${APP_LABELS.clusterScreen.en} screen`, zh: `在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.downloadLabImages.zh}”` },
    bundle: { en: `import an offline bundle on the ${APP_LABELS.clusterScreen.en} screen (exported on a machine with internet)`, zh: `在“${APP_LABELS.clusterScreen.zh}”页面导入离线包（在能上网的机器上导出）` },
    login: {
      en: 'A Docker Hub login on this machine (`docker login`) raises the limit of its own engine\'s pulls to 100 an hour; the nodes and the cache pull anonymously.',
      zh: '在本机登录 Docker Hub（`docker login`）可把本机引擎自己的拉取限额提高到每小时 100 次；节点和缓存仍是匿名拉取。',
    },
  },
  any: {
    warm: { en: `${APP_LABELS.downloadLabImages.en} on the ${APP_LABELS.clusterScreen.en} screen, or \`kindlab cache warm\``, zh: `在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.downloadLabImages.zh}”，或运行 \`kindlab cache warm\`` },
    bundle: { en: `import an offline bundle (on the ${APP_LABELS.clusterScreen.en} screen, or \`kindlab bundle import FILE\`)`, zh: `导入离线包（在“${APP_LABELS.clusterScreen.zh}”页面，或 \`kindlab bundle import 文件\`）` },
    login: LOGIN_CLI,
  },
} as const satisfies Record<string, { warm: LocalizedText; bundle: LocalizedText; login: LocalizedText }>;

type Surface = keyof typeof WAYS;

function fix(cls: PullClass, f: { ref: string; upstream: string; image: string; pod: string; namespace: string; cause?: LocalizedText; usedBy?: LocalizedText }, surface: Surface): LocalizedText {
  const ways = WAYS[surface];
  const describe = { en: `kubectl describe pod ${f.pod} -n ${f.namespace}`, zh: `kubectl describe pod ${f.pod} -n ${f.namespace}` };
  const vars = { ...f, warm: ways.warm, bundle: ways.bundle, login: ways.login, describe, usedBy: f.usedBy ?? '', cause: f.cause ?? '' };
  if (cls === 'rate-limited') {
    const hub = f.upstream === 'docker.io';
    return fill(
      hub
        ? {
            en: 'Docker Hub refused the pull of {ref}: this address has used up its pull rate limit (10 anonymous pulls an hour; every kind node pulls anonymously). The limit clears within the hour; then fill kindlab\'s image cache once ({warm}), and resets and labs take every image from the cache and pull nothing from Docker Hub. {login}',
            zh: 'Docker Hub 拒绝了 {ref} 的拉取：这个地址的拉取限额已用完（匿名每小时 10 次；每个 kind 节点都是匿名拉取）。限额一小时内会解除；之后把 kindlab 的镜像缓存填满一次（{warm}），重置和实验就都从缓存取镜像，不再从 Docker Hub 拉取。{login}',
          }
        : {
            en: '{upstream} refused the pull of {ref} with 429 Too Many Requests (its rate limit). Fill kindlab\'s image cache once ({warm}) so that resets no longer pull from {upstream}, or try again in a while.',
            zh: '{upstream} 以 429 Too Many Requests（限流）拒绝了 {ref} 的拉取。先把 kindlab 的镜像缓存填满一次（{warm}），之后重置就不再从 {upstream} 拉取；或者稍后再试。',
          },
      vars,
    );
  }
  if (cls === 'image-missing') {
    if (isBitnami(f.image) || isBitnami(f.ref)) {
      return fill(
        {
          en: '{ref} is gone from Docker Hub: Bitnami moved its free images to docker.io/bitnamilegacy in August 2025, where they get no more updates, and `bitnami/*` tags now answer "not found". Use an official image pinned by tag instead, as kindlab\'s labs do (nginxinc/nginx-unprivileged keeps Bitnami\'s port 8080; postgres takes POSTGRES_PASSWORD); bitnamilegacy/* is only a frozen stop-gap.',
          zh: '{ref} 已不在 Docker Hub 上：Bitnami 在 2025 年 8 月把免费镜像移到了 docker.io/bitnamilegacy，那里不再更新，`bitnami/*` 的标签现在都返回 "not found"。请像 kindlab 的实验那样改用按标签固定的官方镜像（nginxinc/nginx-unprivileged 保留 Bitnami 的 8080 端口；postgres 使用 POSTGRES_PASSWORD）；bitnamilegacy/* 只是冻结的权宜之计。',
        },
        vars,
      );
    }
    return fill(
      f.usedBy
        ? {
            en: '{upstream} has no image {ref}: it answered "not found", so the tag was moved or removed (waiting will not help). The image is pinned by {usedBy}: check that version (kindlab manifests list shows the pins) or load the image from an offline bundle ({bundle}).',
            zh: '{upstream} 上没有镜像 {ref}：仓库回答 "not found"，说明该标签已被移动或删除（等待也没用）。这个镜像由 {usedBy} 固定：请检查那个版本（kindlab manifests list 会列出固定的版本），或从离线包载入该镜像（{bundle}）。',
          }
        : {
            en: '{upstream} has no image {ref}: it answered "not found", so the name or tag is wrong, or the image was moved or removed (waiting will not help). Check the image in the manifest or command that names it ({describe} shows the registry\'s answer).',
            zh: '{upstream} 上没有镜像 {ref}：仓库回答 "not found"，说明名称或标签有误，或者镜像已被移动或删除（等待也没用）。请检查引用它的清单或命令中的镜像（{describe} 会显示仓库的回答）。',
          },
      vars,
    );
  }
  if (cls === 'network') {
    return fill(
      {
        en: 'The node could not reach {upstream} for {ref}: {cause}. kind nodes use the container engine\'s network: check its internet access, DNS and proxy settings (a proxy that inspects TLS needs its CA certificate in the nodes). Without internet, fill the image cache beforehand ({warm}) or {bundle}: the nodes then take every image from the cache.',
        zh: '节点无法连接 {upstream} 拉取 {ref}：{cause}。kind 节点使用容器引擎的网络：请检查它的网络连接、DNS 和代理设置（检查 TLS 的代理需要把它的 CA 证书放进节点）。没有网络时，请提前填好镜像缓存（{warm}），或{bundle}：之后节点从缓存取所有镜像。',
      },
      { ...vars, cause: f.cause ?? { en: 'the connection failed', zh: '连接失败' } },
    );
  }
  return fill(
    {
      en: 'The node cannot pull {ref}. {describe} shows the registry\'s answer; check the image name, the machine\'s internet access, or fill the image cache ({warm}).',
      zh: '节点无法拉取 {ref}。{describe} 会显示镜像仓库的回答；请检查镜像名称、本机网络，或填好镜像缓存（{warm}）。',
    },
    vars,
  );
}

function labelOf(cls: PullClass, upstream: string, usedBy?: LocalizedText): LocalizedText {
  if (cls === 'rate-limited') return { en: `rate-limited by ${upstream}`, zh: `被 ${upstream} 限流` };
  if (cls === 'image-missing') return { en: `not found on ${upstream}${usedBy ? `, pinned by ${usedBy.en}` : ''}`, zh: `${upstream} 上没有这个镜像${usedBy ? `，由 ${usedBy.zh} 固定` : ''}` };
  if (cls === 'network') return { en: `${upstream} not reachable`, zh: `无法连接 ${upstream}` };
  return { en: 'pull failed', zh: '拉取失败' };
}

/** The failure of one pull problem, judged from its waiting message and the pod's pull events. */
export function pullFailureOf(problem: PodProblem, namespace: string, eventMessages: readonly string[] = [], ctx: PullContext = {}): PullFailure {
  // The current waiting message first: it is what the kubelet saw last. Events may be older.
  let judged = classifyPullText(problem.reason === 'InvalidImageName' ? `InvalidImageName ${problem.message}` : problem.message);
  for (const m of eventMessages) {
    if (judged.class !== 'unknown') break;
    judged = classifyPullText(m);
  }
  const image = problem.image ?? '';
  const ref = image ? fullRef(image) : 'the image';
  const upstream = image ? upstreamOf(image) : 'the registry';
  const f = { ref, upstream, image, pod: problem.pod, namespace, ...(judged.cause ? { cause: judged.cause } : {}), ...(ctx.usedBy ? { usedBy: ctx.usedBy } : {}) };
  return {
    class: judged.class,
    pod: problem.pod,
    namespace,
    container: problem.container,
    reason: problem.reason,
    ...(problem.image ? { image: problem.image, ref, upstream } : {}),
    evidence: judged.evidence,
    // Bitnami's images are nobody's pin: the book named them, and kindlab's labs replaced them.
    label: labelOf(judged.class, upstream, isBitnami(image) ? undefined : ctx.usedBy),
    hint: fix(judged.class, f, 'cli'),
    appHint: fix(judged.class, f, 'app'),
    anyHint: fix(judged.class, f, 'any'),
  };
}

/** The pod's first image pull failure, classified; null when its images pull (or are pulling). */
export function pullFailure(pod: KubeObject, events: KubeObject[] = [], ctx: PullContext = {}): PullFailure | null {
  const problem = podProblems(pod).find(isPullProblem);
  if (!problem) return null;
  return pullFailureOf(problem, pod.metadata.namespace ?? 'default', pullEventMessages(events, pod.metadata.name), ctx);
}

/** Who pins an image among the add-ons, by the pins' image lists: "Calico v3.32.1". */
export function pinnedBy(pins: Pick<Pins, 'addonImages' | 'calico' | 'kubeRouter' | 'ingressNginx' | 'traefik' | 'metallb'>, image: string): LocalizedText | undefined {
  const want = fullRef(image).replace(/@sha256:[a-f0-9]+$/, '');
  const names: Record<string, [string, string]> = {
    calico: ['Calico', pins.calico.version],
    'kube-router': ['kube-router', pins.kubeRouter.version],
    'ingress-nginx': ['ingress-nginx', pins.ingressNginx.version.replace(/^controller-/, '')],
    traefik: ['Traefik', pins.traefik.version],
    metallb: ['MetalLB', pins.metallb.version],
  };
  for (const [id, images] of Object.entries(pins.addonImages)) {
    if (!images.some((i) => fullRef(i).replace(/@sha256:[a-f0-9]+$/, '') === want)) continue;
    const [name, version] = names[id] ?? [id, ''];
    const text = `${name}${version ? ` ${version}` : ''}`;
    return { en: `kindlab's pin of ${text}`, zh: `kindlab 对 ${text} 的固定版本` };
  }
  return undefined;
}
