// http: a request reaches its target and gets the expected status (and body excerpt). The
// probe is DNS-independent (an address plus a Host header); with viaDns the learner's own
// resolver is tried first, and a nip.io name that does not resolve is reported as a DNS problem
// (no DNS at all, rebinding protection or a blocklist: network/nipio.ts) with a working fallback
// rather than as a broken ingress.
import type { Layer } from '../../../api.ts';
import type { KubeClient } from '../../kube/client.ts';
import { NEUTRAL_NAME, type NipioDiagnosis, PUBLIC_NIPIO_NAME, diagnoseNipio } from '../../network/nipio.ts';
import type { HttpObservation } from '../probe-output.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { policiesSelecting, serviceSpec } from './cluster-facts.ts';
import { type ResolvedTarget, describeTarget, resolveTarget } from './http-target.ts';
import { diagnoseServicePath, targetPortNote } from './service-path.ts';
import { type CheckContext, type CheckOutcome, type Checker, type LayerVerdict, failed, passed } from './types.ts';

type HttpCheck = CheckOf<'http'>;

const TIMEOUT_S = 5;

function expectation(c: HttpCheck, say: Say): string {
  if (c.expectNoAnswer) return say(`no answer from ${describeTarget(c.target, say)}, path ${c.path}`, `${describeTarget(c.target, say)}的路径 ${c.path} 没有任何响应`);
  const body = c.expectBody ? say(` with "${c.expectBody}" in the body`, `，且响应体包含 "${c.expectBody}"`) : '';
  const host = c.host ? say(` for host ${c.host}`, `（主机名 ${c.host}）`) : '';
  return say(`HTTP ${c.expectStatus}${body} from ${describeTarget(c.target, say)}${host}, path ${c.path}`, `从${describeTarget(c.target, say)}${host}的路径 ${c.path} 得到 HTTP ${c.expectStatus}${body}`);
}

function excerpt(body: string): string {
  const text = body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function observedText(obs: HttpObservation, say: Say): string {
  if (obs.outcome !== 'response') return obs.detail;
  const ex = excerpt(obs.body);
  return ex ? say(`HTTP ${obs.status ?? '?'}, body: "${ex}"`, `HTTP ${obs.status ?? '?'}，响应体："${ex}"`) : `HTTP ${obs.status ?? '?'}`;
}

function meets(c: HttpCheck, obs: HttpObservation): boolean {
  return obs.outcome === 'response' && obs.status === c.expectStatus && (!c.expectBody || obs.body.includes(c.expectBody));
}

/** The Service behind an Ingress rule for this host, if an Ingress has such a rule. */
async function ingressBackend(client: KubeClient, host: string | undefined): Promise<{ namespace: string; ingress: string; service: string | null } | null> {
  const list = await client.list('networking.k8s.io/v1', 'Ingress').catch(() => null);
  type Rule = { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } };
  for (const ing of list?.items ?? []) {
    const rules = ((ing.spec as { rules?: Rule[] } | undefined)?.rules ?? []) as Rule[];
    const rule = rules.find((r) => (host ? r.host === host : !r.host));
    if (rule) return { namespace: ing.metadata.namespace ?? 'default', ingress: ing.metadata.name, service: rule.http?.paths?.[0]?.backend?.service?.name ?? null };
  }
  return null;
}

/** The first broken layer behind a failed request, and what to look at. */
async function explain(c: HttpCheck, t: ResolvedTarget, obs: HttpObservation, ctx: CheckContext): Promise<LayerVerdict> {
  const { client, say } = ctx;
  const v = (layer: Layer, hint: string): LayerVerdict => ({ layer, observed: observedText(obs, say), hint });
  if (obs.outcome === 'probe-error') return v('cluster', say('The probe itself could not run; see the observation. Check the machine (Docker, images) and try again.', '探测本身无法运行，请看观测结果。请检查本机（Docker、镜像）后重试。'));
  if (obs.outcome === 'resolve') return v('dns', say('The name did not resolve; probe by address with a Host header instead.', '名称无法解析；请改用地址加 Host 头来探测。'));

  let svcRef = t.service ? { namespace: t.service.namespace, name: t.service.name } : null;
  if (t.kind === 'ingress') {
    const backend = await ingressBackend(client, c.host);
    if (!backend) {
      return v('ingress', say(
        `No Ingress has a rule for host ${c.host ?? '(none)'}: check spec.rules[].host and ingressClassName: nginx (kubectl get ingress -A).`,
        `没有任何 Ingress 为主机 ${c.host ?? '（无）'} 定义规则：请检查 spec.rules[].host 和 ingressClassName: nginx（kubectl get ingress -A）。`,
      ));
    }
    svcRef = backend.service ? { namespace: backend.namespace, name: backend.service } : null;
  }
  if (svcRef) {
    const path = await diagnoseServicePath(client, svcRef.namespace, svcRef.name, say);
    if (!path.ok) return { ...path, observed: `${observedText(obs, say)} — ${path.observed}` };
    const ports = serviceSpec(path.service).ports ?? [];
    const svcPort = (t.kind === 'ingress' ? undefined : ports.find((p) => p.port === t.port || p.nodePort === t.port)) ?? ports[0];
    const note = targetPortNote(svcPort, path.readyPods, say);
    if (obs.outcome === 'response') {
      if (t.kind === 'ingress' && obs.status === 404) {
        return v('ingress', say(
          `The controller answered 404: no rule matched. The Host header must equal the rule's host (${c.host ?? ''}) and the Ingress must use ingressClassName nginx.`,
          `控制器返回 404：没有匹配的规则。Host 头必须等于规则中的主机名（${c.host ?? ''}），且 Ingress 必须使用 ingressClassName nginx。`,
        ));
      }
      if (t.kind === 'ingress' && (obs.status === 502 || obs.status === 503 || obs.status === 504)) {
        return v('endpoints', note ?? say(`The controller found the rule but not a working backend (${obs.status}): check the backend Service's port and its endpoints.`, `控制器找到了规则，但后端不可用（${obs.status}）：请检查后端 Service 的端口和端点。`));
      }
      return v('pod', say(
        `The request arrived and the pods answered, but not with the expected ${c.expectStatus}${c.expectBody ? ` and "${c.expectBody}"` : ''}: check the image and its content.`,
        `请求已到达且 Pod 有响应，但不是预期的 ${c.expectStatus}${c.expectBody ? ` 和 "${c.expectBody}"` : ''}：请检查镜像及其内容。`,
      ));
    }
    if (t.kind === 'service') {
      const policies = await policiesSelecting(client, svcRef.namespace, path.readyPods[0]?.metadata.labels);
      // A refusal with the ports lined up and a policy on the pods is the policy on a CNI that rejects (kube-router).
      if (obs.outcome === 'refused' && (note || !policies.length)) return v('endpoints', note ?? say('The pods are Ready but nothing answers on the targetPort: compare the Service targetPort with the port the container listens on.', 'Pod 已 Ready，但 targetPort 上没有响应：请对比 Service 的 targetPort 与容器实际监听的端口。'));
      if (policies.length) {
        return v('policy', say(
          `NetworkPolicy ${policies.map((p) => p.name).join(', ')} selects the backend pods and stops this request (Calico drops it, kube-router rejects it): check its ingress rules (kubectl describe networkpolicy -n ${svcRef.namespace}).`,
          `NetworkPolicy ${policies.map((p) => p.name).join('、')} 选中了后端 Pod 并拦下了该请求（Calico 会丢弃，kube-router 会拒绝）：请检查其 ingress 规则（kubectl describe networkpolicy -n ${svcRef.namespace}）。`,
        ));
      }
      return v('cni', say('No policy selects the pods, yet packets are dropped: the pod network is broken; check the CNI\'s pods (kubectl get pods -A -o wide).', '没有策略选中这些 Pod，数据包却被丢弃：Pod 网络有问题；请检查 CNI 的 Pod（kubectl get pods -A -o wide）。'));
    }
    if (t.kind === 'nodePort') {
      const local = serviceSpec(path.service).externalTrafficPolicy === 'Local';
      return v('nodeport', local
        ? say('externalTrafficPolicy is Local: a node answers only if a backend pod runs on it. Probe the node that hosts a pod, or use Cluster.', 'externalTrafficPolicy 为 Local：只有运行后端 Pod 的节点才会响应。请探测有 Pod 的节点，或改用 Cluster。')
        : say(`The Service is fine but node port ${t.port} does not answer on ${t.address}: check kube-proxy (kubectl get pods -n kube-system -l k8s-app=kube-proxy).`, `Service 正常，但节点端口 ${t.port} 在 ${t.address} 上没有响应：请检查 kube-proxy（kubectl get pods -n kube-system -l k8s-app=kube-proxy）。`));
    }
    if (t.kind === 'loadBalancer') {
      return v('lb-ip', say(
        `MetalLB assigned ${t.address} but it does not answer: the speaker on one node must announce it (kubectl get pods -n metallb-system) and an L2Advertisement must cover its pool.`,
        `MetalLB 分配了 ${t.address}，但它没有响应：必须有节点上的 speaker 宣告该地址（kubectl get pods -n metallb-system），且 L2Advertisement 要覆盖其地址池。`,
      ));
    }
  }
  return v('ingress', say(
    `The ingress controller does not answer on ${t.address}:${t.port}: it must run on the ingress-ready worker with hostPort ${t.port} (kubectl get pods -n ingress-nginx -o wide).`,
    `Ingress 控制器在 ${t.address}:${t.port} 上没有响应：它必须运行在带 ingress-ready 标签的 worker 上并使用 hostPort ${t.port}（kubectl get pods -n ingress-nginx -o wide）。`,
  ));
}

/** After the lab name failed: do other names resolve here, inside nip.io and outside it? */
async function whyNoName(ctx: CheckContext): Promise<NipioDiagnosis> {
  const [publicNipio, neutral] = await Promise.all([ctx.probes.lookupHost(PUBLIC_NIPIO_NAME, 3000), ctx.probes.lookupHost(NEUTRAL_NAME, 3000)]);
  return diagnoseNipio('failed', { publicNipio: publicNipio.outcome === 'resolved', neutral: neutral.outcome === 'resolved' });
}

function fallbackHint(c: HttpCheck, why: NipioDiagnosis, address: string, port: number, say: Say): string {
  const host = c.host ?? '';
  const url = `http://${host}${port === 80 ? '' : `:${port}`}${c.path}`;
  const reason =
    why === 'no-dns'
      ? say(
          `This machine has no working DNS: no name resolves, not even ${NEUTRAL_NAME} (offline, or no resolver configured). The labs do not need it.`,
          `这台机器没有可用的 DNS：任何名称都无法解析，连 ${NEUTRAL_NAME} 也不行（离线，或没有配置解析器）。实验并不依赖它。`,
        )
      : why === 'blocked'
        ? say(
            `Other names resolve, but no nip.io name does (not even ${PUBLIC_NIPIO_NAME}): a blocklist or DNS filter drops nip.io.`,
            `其他名称都能解析，但 nip.io 下的名称一个也不行（连 ${PUBLIC_NIPIO_NAME} 也不行）：拦截列表或 DNS 过滤屏蔽了 nip.io。`,
          )
        : say(
            `${PUBLIC_NIPIO_NAME} resolves but ${host} does not: your router or DNS filter drops answers that point to private or loopback addresses (DNS rebinding protection).`,
            `${PUBLIC_NIPIO_NAME} 能解析而 ${host} 不能：你的路由器或 DNS 过滤丢弃了指向私有或回环地址的应答（DNS 重绑定保护）。`,
          );
  return `${reason} ${say('Use', '可使用')} \`curl --resolve ${host}:${port}:${address} ${url}\` ${say('or add this line to your hosts file', '或在 hosts 文件中加入这一行')}: \`${address} ${host}\``;
}

async function runViaDns(c: HttpCheck, ctx: CheckContext, expected: string): Promise<CheckOutcome> {
  const { probes, say, vars } = ctx;
  const host = c.host ?? '';
  const address = vars.ingressAddress ?? '127.0.0.1';
  const port = 'ingress' in c.target ? c.target.ingress.port : 80;
  // From this machine, the ingress's port 80 is the host port kind maps to it.
  const hostPort = port === 80 ? Number(vars.ingressHttpPort ?? '80') || 80 : port;
  const lookup = await probes.lookupHost(host, 3000);
  const request = () => probes.httpFromHost({ address, port: hostPort, host, path: c.path, timeoutS: TIMEOUT_S });
  if (lookup.outcome === 'resolved') {
    if (!lookup.addresses.includes(address)) {
      return failed(expected, lookup.detail, 'dns', say(`${host} should resolve to the ingress address ${address}; check the name (dashes, not dots: webserver.${address.replace(/\./g, '-')}.nip.io).`, `${host} 应解析为 Ingress 地址 ${address}；请检查名称（用短横线而不是点：webserver.${address.replace(/\./g, '-')}.nip.io）。`));
    }
    const obs = await request();
    const observed = `${lookup.detail}; ${observedText(obs, say)}`;
    if (meets(c, obs)) return passed(expected, observed);
    const t: ResolvedTarget = { kind: 'ingress', address, port, label: '' };
    const why = await explain(c, t, obs, ctx);
    return failed(expected, observed, why.layer, why.hint);
  }
  const [obs, noName] = await Promise.all([request(), whyNoName(ctx)]);
  const observed = say(
    `DNS lookup failed (${lookup.detail}); the Host-header fallback to ${address}:${port} got ${observedText(obs, say)}`,
    `DNS 查询失败（${lookup.detail}）；改用 Host 头直接访问 ${address}:${port}，结果：${observedText(obs, say)}`,
  );
  if (meets(c, obs)) return passed(expected, observed, { layer: 'dns', hint: fallbackHint(c, noName, address, port, say) });
  const why = await explain(c, { kind: 'ingress', address, port, label: '' }, obs, ctx);
  return failed(expected, observed, why.layer, `${why.hint} ${fallbackHint(c, noName, address, port, say)}`);
}

const NO_ANSWER: readonly HttpObservation['outcome'][] = ['timeout', 'unreachable', 'refused'];

/** For expectNoAnswer: silence passes, an answer fails, and a probe that could not run proves nothing. */
function noAnswerVerdict(obs: HttpObservation, expected: string, observed: string, say: Say): CheckOutcome {
  if (NO_ANSWER.includes(obs.outcome)) return passed(expected, observed);
  if (obs.outcome === 'probe-error') return failed(expected, observed, 'cluster', say('The probe itself could not run; see the observation.', '探测本身无法运行，请看观测结果。'));
  return failed(expected, observed, 'nodeport', say('Something still answers at that address: is the node really stopped? Check with `docker ps -a`.', '该地址上仍有响应：节点真的停止了吗？请用 `docker ps -a` 确认。'));
}

export const httpChecker: Checker<'http'> = {
  type: 'http',
  dataPlane: true,
  describe: expectation,
  // kube-proxy programs a new node port or external IP a second or two after the API shows it;
  // a node that was just stopped may still answer for a moment, and must then stay silent.
  settleBy: (c) => (c.expectNoAnswer ? 'hold' : 'retry'),
  async run(c, ctx) {
    const { probes, say } = ctx;
    const expected = expectation(c, say);
    if (c.viaDns && c.host) return runViaDns(c, ctx, expected);
    const resolved = await resolveTarget(c.target, ctx);
    if (!resolved.ok) return failed(expected, resolved.observed, resolved.layer, resolved.hint);
    const t = resolved.target;
    const req = { address: t.address, port: t.port, path: c.path, ...(c.host ? { host: c.host } : {}), ...(c.scheme ? { scheme: c.scheme } : {}), timeoutS: TIMEOUT_S };
    const obs = t.fromPodIn ? await probes.httpFromPod({ ...req, namespace: t.fromPodIn }) : await probes.httpFromKindNetwork(req);
    const observed = `${t.label}: ${observedText(obs, say)}`;
    if (c.expectNoAnswer) return noAnswerVerdict(obs, expected, observed, say);
    if (meets(c, obs)) return passed(expected, observed);
    const why = await explain(c, t, obs, ctx);
    return failed(expected, `${t.label}: ${why.observed}`, why.layer, why.hint);
  },
};
