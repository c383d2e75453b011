import { describe, expect, it } from 'vitest';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { podIPs } from '../../../../test/fakes/engine/labs/recorded.ts';
import { endpointsChecker } from './endpoints.ts';

const check = { id: 'eps', type: 'endpoints' as const, namespace: 'default', service: 'nginx-frontend', addresses: 3, ports: [80, 443] };
const world = () => new FakeKubeClient([...fixture('service-nginx-frontend'), ...fixture('endpointslice-nginx-frontend'), ...fixture('pods-nginx-frontend')]);

describe('endpoints', () => {
  it('passes with three ready addresses, each with ports 80 and 443', async () => {
    const r = await endpointsChecker.run(check, checkContext(world()));
    expect(r.status).toBe('pass');
    // The addresses are the recorded pods' own IPs: the slice and the pods must agree.
    expect(r.observed).toBe(`3 ready address(es) (${podIPs('pods-nginx-frontend').join(', ')}) with port(s) 80, 443`);
  });

  it('fails at the endpoints layer when a port is missing', async () => {
    const r = await endpointsChecker.run({ ...check, ports: [80, 8443] }, checkContext(world()));
    expect(r).toMatchObject({ status: 'fail', layer: 'endpoints' });
    expect(r.hint).toContain('8443');
  });

  it('walks the path when addresses are missing: a selector that matches nothing is a Service problem', async () => {
    const client = world();
    const svc = fixture('service-nginx-frontend')[0];
    if (!svc) throw new Error('fixture');
    client.update({ ...svc, spec: { ...(svc.spec as object), selector: { app: 'nginx-frontend' } } });
    for (const s of client.all('EndpointSlice')) await client.delete('discovery.k8s.io/v1', 'EndpointSlice', s.metadata.name, 'default');
    const r = await endpointsChecker.run(check, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'service' });
    expect(r.observed).toContain('matches no pod');
    expect(r.hint).toContain('run=nginx-frontend');
  });

  it('reports pods that are not Ready at the pod layer', async () => {
    const client = new FakeKubeClient([...fixture('service-nginx-lb'), ...fixture('pod-imagepullbackoff')]);
    const r = await endpointsChecker.run({ ...check, service: 'nginx-lb', addresses: 1, ports: [80] }, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.observed).toContain('none is Ready');
  });
});
