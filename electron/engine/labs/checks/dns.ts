// dns: from a pod in a namespace, a name resolves the way the chapter's DNS table says — to a
// Service's ClusterIP (A), to an external name (CNAME, for ExternalName Services), or not at
// all (NXDOMAIN: a short name asked from another namespace). Optionally asks a LoadBalancer
// address instead of the cluster DNS, over UDP or TCP — and then may ask from a container on the
// kind network, because from a pod kube-proxy answers for that address and MetalLB's
// announcement is never put to the test. A failure first asks whether cluster DNS answers at all
// (cluster-dns.ts) before it blames the record.
import type { Layer } from '../../../api.ts';
import { selectorFromLabels } from '../../kube/labels.ts';
import type { DnsObservation } from '../probe-output.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { loadBalancerAddress } from '../wait-judge.ts';
import { getService, policiesSelecting, serviceSpec, warningEvents } from './cluster-facts.ts';
import { clusterDnsHint, clusterDnsState, coreDnsHealth, coreDnsLine, unanswered } from './cluster-dns.ts';
import { diagnoseServicePath } from './service-path.ts';
import { type CheckContext, type CheckOutcome, type Checker, failed, passed } from './types.ts';

type DnsCheck = CheckOf<'dns'>;
type PodSource = Exclude<DnsCheck['from'], { kindNetwork: true }>;

/** The client pod, or null for a container on the kind network (no search list, no policies). */
function podSource(c: DnsCheck): PodSource | null {
  return 'kindNetwork' in c.from ? null : c.from;
}

function expectation(c: DnsCheck, say: Say): string {
  const pod = podSource(c);
  const from = pod ? say(`from a pod in ${pod.namespace}`, `在 ${pod.namespace} 的 Pod 中`) : say('from a container on the kind network', '在 kind 网络上的容器中');
  const server = c.server ? say(` asking ${c.server.loadBalancer.namespace}/${c.server.loadBalancer.name} over ${c.protocol.toUpperCase()}`, `（通过 ${c.protocol.toUpperCase()} 询问 ${c.server.loadBalancer.namespace}/${c.server.loadBalancer.name}）`) : '';
  if ('a' in c.expect) {
    const s = c.expect.a.service;
    return say(`${from}${server}, ${c.name} resolves to the ClusterIP of ${s.namespace}/${s.name}`, `${from}${server}，${c.name} 解析为 ${s.namespace}/${s.name} 的 ClusterIP`);
  }
  if ('cname' in c.expect) return say(`${from}${server}, ${c.name} is a CNAME for ${c.expect.cname}`, `${from}${server}，${c.name} 是 ${c.expect.cname} 的 CNAME`);
  return say(`${from}${server}, ${c.name} does not resolve (NXDOMAIN)`, `${from}${server}，${c.name} 无法解析（NXDOMAIN）`);
}

const norm = (s: string) => s.toLowerCase().replace(/\.$/, '');

async function explainFailure(c: DnsCheck, obs: DnsObservation, ctx: CheckContext, wantIP: string | null): Promise<{ layer: Layer; hint: string; note?: string }> {
  const { client, say } = ctx;
  const pod = podSource(c);
  if (obs.outcome === 'probe-error' || obs.outcome === 'error') {
    return { layer: 'cluster', hint: pod ? say('The probe pod could not run dig; see the observation.', '探测 Pod 无法运行 dig，请看观测结果。') : say('The probe container could not run dig; see the observation.', '探测容器无法运行 dig，请看观测结果。') };
  }
  const noAnswer = unanswered(obs.outcome) || obs.outcome === 'servfail';
  const egress = noAnswer && pod ? (await policiesSelecting(client, pod.namespace, pod.labels ?? {})).filter((p) => p.types.includes('Egress')) : [];
  if (egress.length) {
    return {
      layer: 'policy',
      hint: say(
        `NetworkPolicy ${egress.map((p) => p.name).join(', ')} restricts egress from the client pods and so blocks DNS too: allow UDP and TCP 53 to kube-dns.`,
        `NetworkPolicy ${egress.map((p) => p.name).join('、')} 限制了客户端 Pod 的出站流量，因此也阻断了 DNS：请放行到 kube-dns 的 UDP 和 TCP 53 端口。`,
      ),
    };
  }
  // Is anybody answering? CoreDNS down or half down explains any failure, even an NXDOMAIN.
  const health = await coreDnsHealth(client);
  const state = clusterDnsState(health, obs.outcome);
  const note = health && state !== 'answering' ? coreDnsLine(health, say) : undefined;
  // Through a LoadBalancer address a silence may be the address's fault: the hints below say so.
  const down = state === 'down' || state === 'degraded' || (state === 'silent' && !c.server) ? clusterDnsHint(state, say) : null;
  if (down) return { layer: 'dns', hint: down, ...(note ? { note } : {}) };
  if (noAnswer) {
    if (!c.server) return { layer: 'dns', hint: say('CoreDNS answered SERVFAIL: kubectl logs -n kube-system -l k8s-app=kube-dns shows why (often an upstream it cannot reach).', 'CoreDNS 返回 SERVFAIL：kubectl logs -n kube-system -l k8s-app=kube-dns 会说明原因（通常是无法访问上游服务器）。') };
    const service = say('The DNS Service behind the LoadBalancer address does not answer: check its ports (53/UDP and 53/TCP) and its selector k8s-app=kube-dns.', '负载均衡地址后面的 DNS Service 没有应答：请检查其端口（53/UDP 和 53/TCP）以及选择器 k8s-app=kube-dns。');
    // Only outside the cluster does the answer depend on a node announcing the address.
    const announce = pod ? '' : say(' From outside the cluster a speaker must also announce the address (kubectl get pods -n metallb-system) and an L2Advertisement must cover its pool.', '从集群外部访问时，还必须有 speaker 宣告该地址（kubectl get pods -n metallb-system），且 L2Advertisement 要覆盖其地址池。');
    return { layer: 'lb-ip', hint: service + announce, ...(note ? { note } : {}) };
  }
  if ('a' in c.expect && !wantIP) {
    const s = c.expect.a.service;
    const path = await diagnoseServicePath(client, s.namespace, s.name, say);
    return path.ok
      ? { layer: 'service', hint: say(`Service ${s.namespace}/${s.name} has no ClusterIP (headless): its name resolves to the pod addresses instead.`, `Service ${s.namespace}/${s.name} 没有 ClusterIP（无头服务）：其名称会解析为各 Pod 的地址。`) }
      : path;
  }
  if (!pod) {
    // No search list and no client namespace, so the pod hints below do not apply.
    return {
      layer: 'dns',
      hint: say(
        'Outside the cluster the name is asked as written, without a pod\'s search list: use the full name (<service>.<namespace>.svc.cluster.local), and make sure the LoadBalancer address leads to CoreDNS (selector k8s-app=kube-dns).',
        '在集群外部，名称按原样查询，没有 Pod 的搜索列表：请使用完整名称（<service>.<namespace>.svc.cluster.local），并确认负载均衡地址指向 CoreDNS（选择器 k8s-app=kube-dns）。',
      ),
    };
  }
  if ('nxdomain' in c.expect) {
    return {
      layer: 'dns',
      hint: say(
        `The name resolved. A pod's search list only holds its own namespace (see /etc/resolv.conf), so a short name resolves only from the Service's namespace — is there a Service of that name in ${pod.namespace}?`,
        `该名称被解析了。Pod 的搜索列表只包含它自己的命名空间（见 /etc/resolv.conf），所以短名称只能在 Service 所在的命名空间中解析——${pod.namespace} 中是否有同名的 Service？`,
      ),
    };
  }
  if ('a' in c.expect) {
    const s = c.expect.a.service;
    if (obs.outcome === 'nxdomain') {
      return {
        layer: 'dns',
        hint: say(
          `From another namespace use <service>.<namespace> (${s.name}.${s.namespace}) or the full name ${s.name}.${s.namespace}.svc.cluster.local; the short name only works inside ${s.namespace}.`,
          `从其他命名空间访问时请使用 <service>.<namespace>（${s.name}.${s.namespace}）或完整名称 ${s.name}.${s.namespace}.svc.cluster.local；短名称只在 ${s.namespace} 内有效。`,
        ),
      };
    }
    return { layer: 'dns', hint: say(`The name resolves to another address than ${wantIP}: a Service of the same name in the client's namespace wins over the one you meant.`, `该名称解析到的地址不是 ${wantIP}：客户端所在命名空间中的同名 Service 优先于你想访问的那个。`) };
  }
  return { layer: 'dns', hint: say('An ExternalName Service answers with a CNAME: check spec.externalName.', 'ExternalName 类型的 Service 以 CNAME 应答：请检查 spec.externalName。') };
}

export const dnsChecker: Checker<'dns'> = {
  type: 'dns',
  dataPlane: true,
  describe: expectation,
  // A new Service's name, a new ExternalName or a LoadBalancer address in front of CoreDNS may
  // take a moment to answer.
  settleBy: () => 'retry',
  async run(c, ctx): Promise<CheckOutcome> {
    const { client, probes, say } = ctx;
    const expected = expectation(c, say);
    let server: string | undefined;
    if (c.server) {
      const { namespace, name } = c.server.loadBalancer;
      const svc = await getService(client, namespace, name);
      const ip = loadBalancerAddress(svc);
      if (!ip) {
        const events = svc ? await warningEvents(client, namespace, 'Service', name) : [];
        return failed(expected, say(`${namespace}/${name} has no LoadBalancer address`, `${namespace}/${name} 没有负载均衡地址`), svc ? 'lb-ip' : 'service', svc ? say(`Wait for MetalLB to assign one (kubectl get svc ${name} -n ${namespace}).${events.length ? ` Events: ${events.join(' | ')}` : ''}`, `请等待 MetalLB 分配地址（kubectl get svc ${name} -n ${namespace}）。${events.length ? ` 事件：${events.join(' | ')}` : ''}`) : say(`Create the Service ${namespace}/${name} first.`, `请先创建 Service ${namespace}/${name}。`));
      }
      server = ip;
    }
    let wantIP: string | null = null;
    if ('a' in c.expect) {
      const s = c.expect.a.service;
      const svc = await getService(client, s.namespace, s.name);
      const ip = svc ? serviceSpec(svc).clusterIP : undefined;
      wantIP = ip && ip !== 'None' ? ip : null;
    }
    const qtype = 'cname' in c.expect ? ('CNAME' as const) : ('A' as const);
    const query = { name: c.name, qtype, tcp: c.protocol === 'tcp', timeoutS: 3 };
    const pod = podSource(c);
    let obs: DnsObservation;
    if (pod) obs = await probes.dnsFromPod({ ...query, namespace: pod.namespace, labels: pod.labels ?? {}, ...(server ? { server } : {}) });
    else if (server) obs = await probes.dnsFromKindNetwork({ ...query, server });
    // The schema rejects kindNetwork without a server: outside the cluster there is no cluster DNS.
    else throw new Error(`dns check ${c.id}: from kindNetwork needs a server`);
    const observed = obs.detail + (pod ? (pod.labels ? ` (${selectorFromLabels(pod.labels)})` : '') : say(' (from a container on the kind network)', '（在 kind 网络上的容器中）'));
    let ok = false;
    if ('nxdomain' in c.expect) ok = obs.outcome === 'nxdomain';
    else if ('cname' in c.expect) ok = obs.records.some((r) => r.type === 'CNAME' && norm(r.value) === norm((c.expect as { cname: string }).cname));
    else ok = wantIP !== null && obs.records.some((r) => r.type === 'A' && r.value === wantIP);
    if (ok) return passed(expected, observed);
    const why = await explainFailure(c, obs, ctx, wantIP);
    const shown = wantIP && 'a' in c.expect ? say(`${observed}; the Service's ClusterIP is ${wantIP}`, `${observed}；该 Service 的 ClusterIP 是 ${wantIP}`) : observed;
    return failed(expected, why.note ? `${shown}; ${why.note}` : shown, why.layer, why.hint);
  },
};
