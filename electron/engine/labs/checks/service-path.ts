// The path a packet to a Service takes, walked through the API from the front: does the Service
// exist, does its selector find pods, are they Ready, do the EndpointSlices list them, do the
// ports line up. The first thing that is wrong is the layer a learner should look at; if all of
// it is right, a failed probe points further down (a policy, the CNI, a node port, an LB IP).
import type { KubeClient, KubeObject } from '../../kube/client.ts';
import { podReady, readyAddresses } from '../../kube/readiness.ts';
import { selectorFromLabels } from '../../kube/labels.ts';
import type { Say } from '../say.ts';
import { type ServicePort, getService, livePods, serviceSpec } from './cluster-facts.ts';
import { podTrouble } from './pod-trouble.ts';
import type { LayerVerdict } from './types.ts';

export interface PathFacts {
  service: KubeObject;
  /** Pods the selector finds (empty for ExternalName and selector-less Services). */
  pods: KubeObject[];
  readyPods: KubeObject[];
  readyAddresses: string[];
}

export type PathVerdict = ({ ok: true } & PathFacts) | ({ ok: false } & LayerVerdict);

type ContainerPort = { name?: string; containerPort?: number };

function containerPorts(pod: KubeObject): ContainerPort[] {
  const containers = (pod.spec as { containers?: { ports?: ContainerPort[] }[] } | undefined)?.containers ?? [];
  return containers.flatMap((c) => c.ports ?? []);
}

/**
 * When pods declare their ports and none of them is the Service's targetPort, say so: the usual
 * reason a Service with Ready endpoints refuses connections (bitnami/nginx listened on 8080).
 */
export function targetPortNote(svcPort: ServicePort | undefined, pods: KubeObject[], say: Say): string | null {
  const pod = pods[0];
  if (!svcPort || !pod) return null;
  const declared = containerPorts(pod);
  const target = svcPort.targetPort ?? svcPort.port;
  if (declared.length === 0) return null;
  const hit = typeof target === 'number' ? declared.some((p) => p.containerPort === target) : declared.some((p) => p.name === target);
  if (hit) return null;
  const list = declared.map((p) => `${p.containerPort}${p.name ? ` (${p.name})` : ''}`).join(', ');
  return say(
    `The Service sends port ${svcPort.port} to targetPort ${target}, but the pods declare ${list}.`,
    `Service 把端口 ${svcPort.port} 转发到 targetPort ${target}，但 Pod 声明的端口是 ${list}。`,
  );
}

export async function diagnoseServicePath(client: KubeClient, namespace: string, name: string, say: Say): Promise<PathVerdict> {
  const service = await getService(client, namespace, name);
  if (!service) {
    return {
      ok: false,
      layer: 'service',
      observed: say(`Service ${namespace}/${name} does not exist`, `Service ${namespace}/${name} 不存在`),
      hint: say(
        `Create the Service (re-run the step that applies it) and check its name and namespace with kubectl get svc -n ${namespace}.`,
        `请创建该 Service（重新运行应用它的步骤），并用 kubectl get svc -n ${namespace} 核对名称和命名空间。`,
      ),
    };
  }
  const spec = serviceSpec(service);
  if (spec.type === 'ExternalName') return { ok: true, service, pods: [], readyPods: [], readyAddresses: [] };
  const slices = (await client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace, labelSelector: `kubernetes.io/service-name=${name}` })).items;
  const addresses = readyAddresses(slices);
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) {
    if (addresses.length > 0) return { ok: true, service, pods: [], readyPods: [], readyAddresses: addresses };
    return {
      ok: false,
      layer: 'endpoints',
      observed: say(`Service ${namespace}/${name} has no selector and no ready endpoints`, `Service ${namespace}/${name} 没有选择器，也没有就绪端点`),
      hint: say('A Service without a selector needs EndpointSlices written by hand; add a selector or create them.', '没有选择器的 Service 需要手动创建 EndpointSlice；请添加选择器或手动创建。'),
    };
  }
  const sel = selectorFromLabels(selector);
  const pods = await livePods(client, namespace, sel);
  if (pods.length === 0) {
    const others = (await client.list('v1', 'Pod', { namespace })).items.slice(0, 3);
    const seen = others.map((p) => `${p.metadata.name} {${selectorFromLabels(p.metadata.labels ?? {})}}`).join('; ');
    return {
      ok: false,
      layer: 'service',
      observed: say(`the selector ${sel} of Service ${namespace}/${name} matches no pod`, `Service ${namespace}/${name} 的选择器 ${sel} 匹配不到任何 Pod`),
      hint: say(
        `Compare the Service's selector with the pods' labels: kubectl get pods -n ${namespace} --show-labels.${seen ? ` Pods there: ${seen}.` : ` There are no pods in ${namespace}.`}`,
        `请对比 Service 的选择器与 Pod 的标签：kubectl get pods -n ${namespace} --show-labels。${seen ? `该命名空间中的 Pod：${seen}。` : `${namespace} 中没有任何 Pod。`}`,
      ),
    };
  }
  const readyPods = pods.filter(podReady);
  if (readyPods.length === 0) {
    const t = podTrouble(pods, say);
    return {
      ok: false,
      layer: 'pod',
      observed: say(`${pods.length} pod(s) match ${sel} but none is Ready — ${t.observed}`, `${pods.length} 个 Pod 匹配 ${sel}，但没有一个 Ready——${t.observed}`),
      hint: t.hint,
    };
  }
  for (const port of spec.ports ?? []) {
    if (typeof port.targetPort === 'string' && !readyPods.some((p) => containerPorts(p).some((c) => c.name === port.targetPort))) {
      return {
        ok: false,
        layer: 'endpoints',
        observed: say(`targetPort "${port.targetPort}" is not a named port of the pods`, `targetPort "${port.targetPort}" 不是 Pod 的具名端口`),
        hint: say(
          `A named targetPort must equal a containerPort name in the pod template; otherwise the endpoints carry no port ${port.port}.`,
          `具名 targetPort 必须与 Pod 模板中某个 containerPort 的名称一致，否则端点中不会出现端口 ${port.port}。`,
        ),
      };
    }
  }
  if (addresses.length === 0) {
    return {
      ok: false,
      layer: 'endpoints',
      observed: say(`${readyPods.length} pod(s) are Ready but the EndpointSlices of ${name} list no ready address`, `${readyPods.length} 个 Pod 已 Ready，但 ${name} 的 EndpointSlice 中没有就绪地址`),
      hint: say(
        `Look at kubectl get endpointslices -n ${namespace} -l kubernetes.io/service-name=${name}; if it stays empty, the endpoint controller in kube-controller-manager is not working.`,
        `请查看 kubectl get endpointslices -n ${namespace} -l kubernetes.io/service-name=${name}；如果一直为空，说明 kube-controller-manager 中的端点控制器没有工作。`,
      ),
    };
  }
  return { ok: true, service, pods, readyPods, readyAddresses: addresses };
}
