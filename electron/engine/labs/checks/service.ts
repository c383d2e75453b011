// service: what the API says about one Service — its type, its ports (protocol, targetPort,
// name), allocated node ports (and that a recreated Service got a new one), an ExternalName,
// and the LoadBalancer address: pending or assigned, which address, from which MetalLB pool,
// and not a .0/.255 address when the pool avoids buggy IPs.
import type { Layer } from '../../../api.ts';
import type { KubeClient, KubeObject } from '../../kube/client.ts';
import { inAddressRange, isBuggyIPv4 } from '../ip-range.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { loadBalancerAddress } from '../wait-judge.ts';
import { describePorts, getService, serviceSpec, serviceType, warningEvents } from './cluster-facts.ts';
import { type Checker, type CheckOutcome, failed, passed } from './types.ts';

const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';
const METALLB_NS = 'metallb-system';

type ServiceCheck = CheckOf<'service'>;

/** The pool an LB address came from: MetalLB's annotation, else the pool whose ranges hold it. */
async function poolOf(client: KubeClient, svc: KubeObject, ip: string): Promise<string | null> {
  const annotated = svc.metadata.annotations?.[POOL_ANNOTATION];
  if (annotated) return annotated;
  if (!(await client.served('metallb.io/v1beta1', 'IPAddressPool').catch(() => false))) return null;
  const pools = await client.list('metallb.io/v1beta1', 'IPAddressPool', { namespace: METALLB_NS });
  const hit = pools.items.find((p) => ((p.spec as { addresses?: string[] } | undefined)?.addresses ?? []).some((r) => inAddressRange(ip, r)));
  return hit?.metadata.name ?? null;
}

function expectation(c: ServiceCheck, say: Say): string {
  const parts: string[] = [];
  if (c.serviceType) parts.push(say(`type ${c.serviceType}`, `类型为 ${c.serviceType}`));
  if (c.ports) parts.push(say(`ports ${describePorts(c.ports)}`, `端口 ${describePorts(c.ports)}`));
  if (c.nodePorts) parts.push(say('a nodePort allocated for every port', '每个端口都分配了 nodePort'));
  if (c.nodePortDiffersFrom) parts.push(say(`a nodePort different from the one recorded as ${c.nodePortDiffersFrom}`, `nodePort 与记录的 ${c.nodePortDiffersFrom} 不同`));
  if (c.externalName) parts.push(say(`externalName ${c.externalName}`, `externalName 为 ${c.externalName}`));
  const lb = c.loadBalancer;
  if (lb?.pending) parts.push(say('no external IP yet (<pending>)', '尚未分配外部 IP（<pending>）'));
  if (lb && !lb.pending) {
    if (lb.address) parts.push(say(`external IP ${lb.address}`, `外部 IP 为 ${lb.address}`));
    else parts.push(say('an external IP assigned', '已分配外部 IP'));
    if (lb.pool) parts.push(say(`taken from pool ${lb.pool}`, `来自地址池 ${lb.pool}`));
    if (lb.notBuggy) parts.push(say('not ending in .0 or .255', '不以 .0 或 .255 结尾'));
  }
  const what = parts.length ? parts.join(', ') : say('exists', '存在');
  return say(`Service ${c.namespace}/${c.name}: ${what}`, `Service ${c.namespace}/${c.name}：${what}`);
}

function lbHint(events: string[], say: Say): string {
  const ev = events.length ? say(` Events: ${events.join(' | ')}`, ` 事件：${events.join(' | ')}`) : '';
  return say(
    `MetalLB gives an address only from a pool that serves this Service: check the requested pool or IP (annotations metallb.io/address-pool, metallb.io/loadBalancerIPs), that it lies inside a pool, the pool's serviceAllocation, and kubectl get ipaddresspools -n ${METALLB_NS}.${ev}`,
    `MetalLB 只会从服务于该 Service 的地址池分配地址：请检查请求的地址池或 IP（注解 metallb.io/address-pool、metallb.io/loadBalancerIPs）是否位于某个地址池内、地址池的 serviceAllocation，以及 kubectl get ipaddresspools -n ${METALLB_NS}。${ev}`,
  );
}

export const serviceChecker: Checker<'service'> = {
  type: 'service',
  // LoadBalancer addresses are assigned by MetalLB's controller, which runs as a pod.
  dataPlane: (c) => c.loadBalancer !== undefined,
  settleOn: (c) => ({ apiVersion: 'v1', kind: 'Service', namespace: c.namespace, fieldSelector: `metadata.name=${c.name}` }),
  skipReason: (_c, say) => say("skipped: LoadBalancer addresses come from MetalLB's controller, a pod, and this run has no running pods", '已跳过：LoadBalancer 地址由 MetalLB 控制器（一个 Pod）分配，而本次运行没有真正运行的 Pod'),
  describe: expectation,
  async run(c, { client, say, state, labId }): Promise<CheckOutcome> {
    const expected = expectation(c, say);
    const svc = await getService(client, c.namespace, c.name);
    if (!svc) {
      return failed(
        expected,
        say(`Service ${c.namespace}/${c.name} does not exist`, `Service ${c.namespace}/${c.name} 不存在`),
        'service',
        say(`Apply the step's manifest again and check the name and namespace: kubectl get svc -n ${c.namespace}.`, `请重新应用本步骤的清单，并核对名称和命名空间：kubectl get svc -n ${c.namespace}。`),
      );
    }
    const spec = serviceSpec(svc);
    const type = serviceType(svc);
    const ip = loadBalancerAddress(svc);
    const facts: string[] = [say(`type ${type}`, `类型 ${type}`)];
    if (spec.ports?.length) facts.push(say(`ports ${describePorts(spec.ports)}`, `端口 ${describePorts(spec.ports)}`));
    if (spec.externalName) facts.push(`externalName ${spec.externalName}`);
    if (type === 'LoadBalancer') facts.push(ip ? say(`external IP ${ip}`, `外部 IP ${ip}`) : say('external IP <pending>', '外部 IP <pending>'));
    let observed = facts.join(', ');
    const problems: { layer: Layer; hint: string }[] = [];
    const problem = (layer: Layer, hint: string) => problems.push({ layer, hint });

    if (c.serviceType && type !== c.serviceType) {
      problem('service', say(`The Service is ${type}, the step expects ${c.serviceType}: set spec.type and apply again.`, `该 Service 的类型是 ${type}，本步骤预期为 ${c.serviceType}：请设置 spec.type 后重新应用。`));
    }
    for (const want of c.ports ?? []) {
      const got = (spec.ports ?? []).find((p) => p.port === want.port && (p.protocol ?? 'TCP') === want.protocol);
      if (!got) {
        problem('service', say(`No port ${want.port}/${want.protocol}: check spec.ports (a mixed TCP/UDP Service lists the port twice).`, `没有端口 ${want.port}/${want.protocol}：请检查 spec.ports（同时支持 TCP/UDP 的 Service 要把端口列两次）。`));
        continue;
      }
      if (want.targetPort !== undefined && String(got.targetPort ?? got.port) !== String(want.targetPort)) {
        problem('service', say(`Port ${want.port} goes to targetPort ${got.targetPort ?? got.port}, expected ${want.targetPort}: the targetPort must be the port the container listens on.`, `端口 ${want.port} 转发到 targetPort ${got.targetPort ?? got.port}，预期为 ${want.targetPort}：targetPort 必须是容器实际监听的端口。`));
      }
      if (want.name !== undefined && got.name !== want.name) {
        problem('service', say(`Port ${want.port} is named "${got.name ?? ''}", expected "${want.name}": the name belongs inside the port item, not under spec.`, `端口 ${want.port} 的名称是 "${got.name ?? ''}"，预期为 "${want.name}"：name 应写在端口条目内，而不是 spec 下。`));
      }
    }
    if (c.nodePorts) {
      const without = (spec.ports ?? []).filter((p) => !p.nodePort).map((p) => p.port);
      if (without.length || !spec.ports?.length) {
        problem('nodeport', say(`Port(s) ${without.join(', ')} have no nodePort: only NodePort and LoadBalancer Services get one (unless allocateLoadBalancerNodePorts is false).`, `端口 ${without.join('、')} 没有 nodePort：只有 NodePort 和 LoadBalancer 类型的 Service 才会分配（除非 allocateLoadBalancerNodePorts 为 false）。`));
      }
    }
    if (c.nodePortDiffersFrom) {
      const before = state.get(labId, c.nodePortDiffersFrom);
      const now = (spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => typeof n === 'number');
      if (before === undefined) {
        problem('nodeport', say(`No nodePort was recorded as ${c.nodePortDiffersFrom}: run the earlier step that records it first.`, `尚未记录 ${c.nodePortDiffersFrom}：请先运行记录它的前一个步骤。`));
      } else {
        observed += say(`; recorded before: ${before}`, `；之前记录的值：${before}`);
        if (now.map(String).includes(before)) {
          problem('nodeport', say(`The nodePort is still ${before}: was the Service really deleted and created again? Applying changes keeps the port.`, `nodePort 仍然是 ${before}：Service 真的被删除并重新创建了吗？仅重新应用会保留原端口。`));
        }
      }
    }
    if (c.externalName !== undefined) {
      const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/\.$/, '');
      if (norm(spec.externalName) !== norm(c.externalName)) {
        problem('service', say(`externalName is "${spec.externalName ?? ''}", expected "${c.externalName}".`, `externalName 为 "${spec.externalName ?? ''}"，预期为 "${c.externalName}"。`));
      }
    }
    const lb = c.loadBalancer;
    if (lb) {
      const events = await warningEvents(client, c.namespace, 'Service', c.name);
      if (lb.pending) {
        if (ip) problem('lb-ip', say(`The Service got ${ip}, but this step expects it to stay pending.`, `该 Service 得到了 ${ip}，但本步骤预期它保持 pending。`));
        else if (events.length) observed += say(`; events: ${events.join(' | ')}`, `；事件：${events.join(' | ')}`);
      } else if (!ip) {
        problem('lb-ip', lbHint(events, say));
      } else {
        if (lb.address && ip !== lb.address) {
          problem('lb-ip', say(`MetalLB assigned ${ip}, not the requested ${lb.address}: the annotation metallb.io/loadBalancerIPs must name an address inside a pool.`, `MetalLB 分配的是 ${ip}，而不是请求的 ${lb.address}：注解 metallb.io/loadBalancerIPs 必须指定某个地址池内的地址。`));
        }
        if (lb.pool) {
          const pool = await poolOf(client, svc, ip);
          observed += say(`, pool ${pool ?? 'unknown'}`, `，地址池 ${pool ?? '未知'}`);
          if (pool !== lb.pool) {
            problem('lb-ip', say(`The address came from pool ${pool ?? '(none found)'}, expected ${lb.pool}: request the pool with the annotation metallb.io/address-pool: ${lb.pool}.`, `地址来自 ${pool ?? '（未找到）'}，预期为 ${lb.pool}：请用注解 metallb.io/address-pool: ${lb.pool} 指定地址池。`));
          }
        }
        if (lb.notBuggy && isBuggyIPv4(ip)) {
          problem('lb-ip', say(`${ip} ends in .0 or .255: set avoidBuggyIPs: true directly under the pool's spec (a sibling of addresses).`, `${ip} 以 .0 或 .255 结尾：请在地址池的 spec 下直接设置 avoidBuggyIPs: true（与 addresses 同级）。`));
        }
      }
    }
    const first = problems[0];
    if (!first) return passed(expected, observed);
    const more = problems.slice(1).map((p) => p.hint);
    return failed(expected, observed, first.layer, [first.hint, ...more].join(' '));
  },
};
