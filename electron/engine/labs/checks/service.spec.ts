import { describe, expect, it } from 'vitest';
import { MemoryRunState } from '../state.ts';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { nodePort } from '../../../../test/fakes/engine/labs/recorded.ts';
import { serviceChecker } from './service.ts';

type ServiceCheck = Parameters<typeof serviceChecker.run>[0];
const base = { id: 'svc', type: 'service' as const, namespace: 'default' };
const lbWorld = () => new FakeKubeClient([...fixture('service-nginx-lb'), ...fixture('service-nginx-lb-pool02-pending'), ...fixture('events-allocation-failed'), ...fixture('ipaddresspools')]);

describe('service', () => {
  it('passes on type and two named ports with protocol and targetPort', async () => {
    const c: ServiceCheck = {
      ...base,
      name: 'nginx-frontend',
      serviceType: 'ClusterIP',
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80, name: 'http' },
        { port: 443, protocol: 'TCP', targetPort: 443, name: 'https' },
      ],
    };
    const r = await serviceChecker.run(c, checkContext(new FakeKubeClient(fixture('service-nginx-frontend'))));
    expect(r.status).toBe('pass');
    expect(r.observed).toContain('80/TCP→80 (http), 443/TCP→443 (https)');
  });

  it('fails on a wrong targetPort and a wrong type at the service layer', async () => {
    const c: ServiceCheck = { ...base, name: 'nginx-frontend', serviceType: 'NodePort', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] };
    const r = await serviceChecker.run(c, checkContext(new FakeKubeClient(fixture('service-nginx-frontend'))));
    expect(r).toMatchObject({ status: 'fail', layer: 'service' });
    expect(r.hint).toContain('NodePort');
    expect(r.hint).toContain('targetPort 80, expected 8080');
  });

  it('reports a missing Service', async () => {
    const r = await serviceChecker.run({ ...base, name: 'nope' }, checkContext(new FakeKubeClient()));
    expect(r).toMatchObject({ status: 'fail', layer: 'service' });
  });

  it('checks node ports and that a recreated Service got a new one', async () => {
    const state = new MemoryRunState();
    const recordedPort = String(nodePort('service-nginx-lb'));
    await state.set('test', 'firstNodePort', recordedPort);
    const ctx = checkContext(lbWorld(), { state });
    expect((await serviceChecker.run({ ...base, name: 'nginx-lb', nodePorts: true }, ctx)).status).toBe('pass');
    const same = await serviceChecker.run({ ...base, name: 'nginx-lb', nodePortDiffersFrom: 'firstNodePort' }, ctx);
    expect(same).toMatchObject({ status: 'fail', layer: 'nodeport' });
    expect(same.hint).toContain(recordedPort);
    await state.set('test', 'firstNodePort', recordedPort === '30000' ? '30001' : '30000');
    expect((await serviceChecker.run({ ...base, name: 'nginx-lb', nodePortDiffersFrom: 'firstNodePort' }, ctx)).status).toBe('pass');
    const clusterIP = await serviceChecker.run({ ...base, name: 'nginx-frontend', nodePorts: true }, checkContext(new FakeKubeClient(fixture('service-nginx-frontend'))));
    expect(clusterIP).toMatchObject({ status: 'fail', layer: 'nodeport' });
  });

  it('reads the pool from the MetalLB annotation', async () => {
    const r = await serviceChecker.run({ ...base, name: 'nginx-lb', serviceType: 'LoadBalancer', loadBalancer: { address: '172.18.200.100', pool: 'pool-01', notBuggy: true } }, checkContext(lbWorld()));
    expect(r.status).toBe('pass');
    expect(r.observed).toContain('pool pool-01');
    const wrong = await serviceChecker.run({ ...base, name: 'nginx-lb', loadBalancer: { pool: 'pool-02' } }, checkContext(lbWorld()));
    expect(wrong).toMatchObject({ status: 'fail', layer: 'lb-ip' });
    expect(wrong.hint).toContain('metallb.io/address-pool: pool-02');
  });

  it('finds the pool by range when the annotation is absent', async () => {
    const client = lbWorld();
    const svc = fixture('service-nginx-lb')[0];
    if (!svc) throw new Error('fixture');
    client.update({ ...svc, metadata: { ...svc.metadata, annotations: {} }, status: { loadBalancer: { ingress: [{ ip: '172.18.201.203' }] } } });
    const r = await serviceChecker.run({ ...base, name: 'nginx-lb', loadBalancer: { pool: 'pool-02' } }, checkContext(client));
    expect(r.status).toBe('pass');
  });

  it('passes a pending expectation and shows the AllocationFailed event', async () => {
    const r = await serviceChecker.run({ ...base, name: 'nginx-lb-pool02', loadBalancer: { pending: true } }, checkContext(lbWorld()));
    expect(r.status).toBe('pass');
    expect(r.observed).toContain('AllocationFailed');
  });

  it('puts the Warning events into the hint when an address was expected', async () => {
    const r = await serviceChecker.run({ ...base, name: 'nginx-lb-pool02', loadBalancer: { pool: 'pool-02' } }, checkContext(lbWorld()));
    expect(r).toMatchObject({ status: 'fail', layer: 'lb-ip' });
    expect(r.hint).toContain('AllocationFailed');
    expect(r.hint).toContain('unknown pool "pool-02"');
  });

  it('flags .0/.255 addresses and a wrong requested address', async () => {
    const client = lbWorld();
    const svc = fixture('service-nginx-lb')[0];
    if (!svc) throw new Error('fixture');
    client.update({ ...svc, status: { loadBalancer: { ingress: [{ ip: '172.18.203.255' }] } } });
    const r = await serviceChecker.run({ ...base, name: 'nginx-lb', loadBalancer: { notBuggy: true, address: '172.18.200.110' } }, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'lb-ip' });
    expect(r.hint).toContain('not the requested 172.18.200.110');
    expect(r.hint).toContain('avoidBuggyIPs');
  });

  it('checks an ExternalName', async () => {
    const client = new FakeKubeClient(fixture('service-sql-db-externalname'));
    const ok = await serviceChecker.run({ ...base, namespace: 'finance', name: 'sql-db', serviceType: 'ExternalName', externalName: 'sqlserver1.foowidgets.com.' }, checkContext(client));
    expect(ok.status).toBe('pass');
    const bad = await serviceChecker.run({ ...base, namespace: 'finance', name: 'sql-db', externalName: 'db.example.com' }, checkContext(client));
    expect(bad).toMatchObject({ status: 'fail', layer: 'service' });
  });
});
