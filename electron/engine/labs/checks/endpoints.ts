// endpoints: the Service's EndpointSlices (label kubernetes.io/service-name) hold the expected
// number of ready addresses, and every slice that carries them lists every expected port — the
// "six endpoints or three" lesson: three addresses, each with ports 80 and 443.
import { readyAddresses, sliceEndpoints, slicePorts } from '../../kube/readiness.ts';
import { diagnoseServicePath } from './service-path.ts';
import { type Checker, failed, passed } from './types.ts';

export const endpointsChecker: Checker<'endpoints'> = {
  type: 'endpoints',
  dataPlane: false,
  settleOn: (c) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: c.namespace, labelSelector: `kubernetes.io/service-name=${c.service}` }),
  describe: (c, say) =>
    say(
      `Service ${c.namespace}/${c.service} has ${c.addresses} ready endpoint address(es), each with port(s) ${c.ports.join(', ')}`,
      `Service ${c.namespace}/${c.service} 有 ${c.addresses} 个就绪端点地址，每个地址都带端口 ${c.ports.join('、')}`,
    ),
  async run(c, { client, say }) {
    const expected = endpointsChecker.describe(c, say);
    const slices = (await client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: c.namespace, labelSelector: `kubernetes.io/service-name=${c.service}` })).items;
    const addresses = readyAddresses(slices);
    const carrying = slices.filter((s) => sliceEndpoints(s).some((e) => e.conditions?.ready !== false));
    const ports = [...new Set(carrying.flatMap((s) => slicePorts(s).map((p) => p.port)))].filter((p): p is number => typeof p === 'number').sort((a, b) => a - b);
    const missingPorts = c.ports.filter((p) => carrying.some((s) => !slicePorts(s).some((sp) => sp.port === p)));
    const observed = say(
      `${addresses.length} ready address(es)${addresses.length ? ` (${addresses.join(', ')})` : ''}${ports.length ? ` with port(s) ${ports.join(', ')}` : ''}`,
      `${addresses.length} 个就绪地址${addresses.length ? `（${addresses.join('、')}）` : ''}${ports.length ? `，端口 ${ports.join('、')}` : ''}`,
    );
    if (addresses.length === c.addresses && missingPorts.length === 0) return passed(expected, observed);
    if (addresses.length < c.addresses) {
      const path = await diagnoseServicePath(client, c.namespace, c.service, say);
      if (!path.ok) return failed(expected, `${observed} — ${path.observed}`, path.layer, path.hint);
      return failed(
        expected,
        observed,
        'endpoints',
        say(
          `Only ${path.readyPods.length} pod(s) behind the Service are Ready; scale the workload or wait for the rest (kubectl get pods -n ${c.namespace} -o wide).`,
          `Service 后面只有 ${path.readyPods.length} 个 Pod Ready；请扩容工作负载或等待其余 Pod（kubectl get pods -n ${c.namespace} -o wide）。`,
        ),
      );
    }
    if (addresses.length > c.addresses) {
      return failed(expected, observed, 'endpoints', say('More pods answer for the Service than the step expects: check the replicas and the selector.', 'Service 后面的 Pod 比本步骤预期的多：请检查副本数和选择器。'));
    }
    return failed(
      expected,
      observed,
      'endpoints',
      say(
        `The endpoints lack port(s) ${missingPorts.join(', ')}: each Service port becomes an endpoint port; check spec.ports of ${c.service} (kubectl describe svc ${c.service} -n ${c.namespace}).`,
        `端点缺少端口 ${missingPorts.join('、')}：Service 的每个端口都会成为端点端口；请检查 ${c.service} 的 spec.ports（kubectl describe svc ${c.service} -n ${c.namespace}）。`,
      ),
    );
  },
};
