// Where an HTTP check sends its request, resolved through the API:
//   service      → the ClusterIP, from a temporary pod (only pods reach ClusterIPs);
//   ingress      → the worker's InternalIP (the controller holds hostPort 80/443 there);
//   loadBalancer → the address MetalLB assigned;
//   nodePort     → a node's InternalIP and the port's nodePort.
// The last three are reached from a container on the kind network.
import type { KubeObject } from '../../kube/client.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { loadBalancerAddress } from '../wait-judge.ts';
import { getService, nodeAddress, serviceSpec, serviceType, warningEvents } from './cluster-facts.ts';
import type { CheckContext, LayerVerdict } from './types.ts';

export type HttpTarget = CheckOf<'http'>['target'];

export interface ResolvedTarget {
  kind: 'service' | 'ingress' | 'loadBalancer' | 'nodePort';
  /** Where the request goes: http://address:port */
  address: string;
  port: number;
  /** Run the request from a pod in this namespace instead of the kind network. */
  fromPodIn?: string;
  /** The Service behind the target, when there is one. */
  service?: { namespace: string; name: string; object: KubeObject };
  /** "the Service default/nginx-frontend (10.96.4.7:80)" */
  label: string;
}

export type TargetResult = { ok: true; target: ResolvedTarget } | ({ ok: false } & LayerVerdict);

function missingService(namespace: string, name: string, say: Say): TargetResult {
  return {
    ok: false,
    layer: 'service',
    observed: say(`Service ${namespace}/${name} does not exist`, `Service ${namespace}/${name} 不存在`),
    hint: say(`Create it first (re-run the step that applies it): kubectl get svc -n ${namespace}.`, `请先创建它（重新运行应用它的步骤）：kubectl get svc -n ${namespace}。`),
  };
}

export function describeTarget(t: HttpTarget, say: Say): string {
  if ('service' in t) return say(`the Service ${t.service.namespace}/${t.service.name} on port ${t.service.port}`, `Service ${t.service.namespace}/${t.service.name} 的 ${t.service.port} 端口`);
  if ('ingress' in t) return say(`the ingress controller on port ${t.ingress.port}`, `Ingress 控制器的 ${t.ingress.port} 端口`);
  if ('loadBalancer' in t) return say(`the LoadBalancer address of ${t.loadBalancer.namespace}/${t.loadBalancer.name} on port ${t.loadBalancer.port}`, `${t.loadBalancer.namespace}/${t.loadBalancer.name} 的负载均衡地址的 ${t.loadBalancer.port} 端口`);
  return say(`the nodePort of ${t.nodePort.namespace}/${t.nodePort.name} (port ${t.nodePort.port}) on the ${t.nodePort.node} node`, `${t.nodePort.node} 节点上 ${t.nodePort.namespace}/${t.nodePort.name}（端口 ${t.nodePort.port}）的 nodePort`);
}

export async function resolveTarget(t: HttpTarget, ctx: CheckContext): Promise<TargetResult> {
  const { client, say } = ctx;
  const noNode = (role: string): TargetResult => ({
    ok: false,
    layer: 'cluster',
    observed: say(`no ${role} node with an InternalIP`, `没有带 InternalIP 的 ${role} 节点`),
    hint: say('The cluster is not the one kindlab builds; run kindlab status.', '该集群不是 kindlab 创建的集群；请运行 kindlab status。'),
  });
  if ('ingress' in t) {
    const worker = await nodeAddress(client, 'worker');
    if (!worker) return noNode('worker');
    return { ok: true, target: { kind: 'ingress', address: worker.ip, port: t.ingress.port, label: say(`the ingress controller on ${worker.name} (${worker.ip}:${t.ingress.port})`, `${worker.name} 上的 Ingress 控制器（${worker.ip}:${t.ingress.port}）`) } };
  }
  const ref = 'service' in t ? t.service : 'loadBalancer' in t ? t.loadBalancer : t.nodePort;
  const svc = await getService(client, ref.namespace, ref.name);
  if (!svc) return missingService(ref.namespace, ref.name, say);
  const service = { namespace: ref.namespace, name: ref.name, object: svc };
  const spec = serviceSpec(svc);
  if ('service' in t) {
    if (!spec.clusterIP || spec.clusterIP === 'None') {
      return { ok: false, layer: 'service', observed: say(`${ref.name} has no ClusterIP (headless or ExternalName)`, `${ref.name} 没有 ClusterIP（无头或 ExternalName）`), hint: say('Only a Service with a ClusterIP can be probed this way.', '只有带 ClusterIP 的 Service 才能这样探测。') };
    }
    return { ok: true, target: { kind: 'service', address: spec.clusterIP, port: t.service.port, fromPodIn: ref.namespace, service, label: say(`the Service ${ref.namespace}/${ref.name} (${spec.clusterIP}:${t.service.port}) from a pod`, `在 Pod 中访问 Service ${ref.namespace}/${ref.name}（${spec.clusterIP}:${t.service.port}）`) } };
  }
  if ('loadBalancer' in t) {
    const ip = loadBalancerAddress(svc);
    if (!ip) {
      const events = await warningEvents(client, ref.namespace, 'Service', ref.name);
      return {
        ok: false,
        layer: 'lb-ip',
        observed: say(`${ref.name} has no external IP (type ${serviceType(svc)}, <pending>)`, `${ref.name} 没有外部 IP（类型 ${serviceType(svc)}，<pending>）`),
        hint: say(
          `MetalLB has not assigned an address: is the Service type LoadBalancer, and does a pool serve it (kubectl describe svc ${ref.name} -n ${ref.namespace})?${events.length ? ` Events: ${events.join(' | ')}` : ''}`,
          `MetalLB 尚未分配地址：Service 类型是否为 LoadBalancer，是否有地址池为它服务（kubectl describe svc ${ref.name} -n ${ref.namespace}）？${events.length ? ` 事件：${events.join(' | ')}` : ''}`,
        ),
      };
    }
    return { ok: true, target: { kind: 'loadBalancer', address: ip, port: t.loadBalancer.port, service, label: say(`the LoadBalancer address ${ip}:${t.loadBalancer.port} of ${ref.name}`, `${ref.name} 的负载均衡地址 ${ip}:${t.loadBalancer.port}`) } };
  }
  const entry = (spec.ports ?? []).find((p) => p.port === t.nodePort.port);
  if (!entry?.nodePort) {
    return {
      ok: false,
      layer: 'nodeport',
      observed: say(`port ${t.nodePort.port} of ${ref.name} has no nodePort (type ${serviceType(svc)})`, `${ref.name} 的端口 ${t.nodePort.port} 没有 nodePort（类型 ${serviceType(svc)}）`),
      hint: say('Only NodePort and LoadBalancer Services open a port on every node; set spec.type: NodePort.', '只有 NodePort 和 LoadBalancer 类型的 Service 会在每个节点上开放端口；请设置 spec.type: NodePort。'),
    };
  }
  const node = await nodeAddress(client, t.nodePort.node);
  if (!node) return noNode(t.nodePort.node);
  return { ok: true, target: { kind: 'nodePort', address: node.ip, port: entry.nodePort, service, label: say(`nodePort ${entry.nodePort} on ${node.name} (${node.ip})`, `${node.name}（${node.ip}）上的 nodePort ${entry.nodePort}`) } };
}
