import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { sayer } from '../say.ts';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { podIPs } from '../../../../test/fakes/engine/labs/recorded.ts';
import { diagnoseServicePath, targetPortNote } from './service-path.ts';

const say = sayer('en');
const first = (name: string) => fixture(name)[0] as KubeObject;
const frontend = () => new FakeKubeClient([...fixture('service-nginx-frontend'), ...fixture('endpointslice-nginx-frontend'), ...fixture('pods-nginx-frontend')]);
const walk = (client: FakeKubeClient, name = 'nginx-frontend') => diagnoseServicePath(client, 'default', name, say);

describe('diagnoseServicePath', () => {
  it('walks a healthy path to its ready addresses', async () => {
    const v = await walk(frontend());
    expect(v.ok && v.readyAddresses).toEqual(podIPs('pods-nginx-frontend'));
    expect(podIPs('pods-nginx-frontend')).toHaveLength(3);
  });

  it('stops at the first broken layer: Service, selector, pods, named port, endpoints', async () => {
    expect(await walk(frontend(), 'nope')).toMatchObject({ ok: false, layer: 'service' });

    const wrongSelector = frontend();
    const svc = first('service-nginx-frontend');
    wrongSelector.update({ ...svc, spec: { ...(svc.spec as object), selector: { run: 'frontend' } } });
    const sel = await walk(wrongSelector);
    expect(sel).toMatchObject({ ok: false, layer: 'service' });
    // Each pod is listed with its labels, so the learner can compare them with the selector.
    for (const pod of fixture('pods-nginx-frontend')) {
      expect(!sel.ok && sel.hint).toContain(`${pod.metadata.name} {pod-template-hash=${pod.metadata.labels?.['pod-template-hash']},run=nginx-frontend}`);
    }

    const stuck = new FakeKubeClient([...fixture('service-nginx-lb'), ...fixture('pod-imagepullbackoff')]);
    expect(await walk(stuck, 'nginx-lb')).toMatchObject({ ok: false, layer: 'pod' });

    const named = frontend();
    named.update({ ...svc, spec: { ...(svc.spec as object), ports: [{ name: 'http', port: 80, targetPort: 'web' }] } });
    const n = await walk(named);
    expect(n).toMatchObject({ ok: false, layer: 'endpoints' });
    expect(!n.ok && n.observed).toContain('targetPort "web"');

    const noSlices = new FakeKubeClient([...fixture('service-nginx-frontend'), ...fixture('pods-nginx-frontend')]);
    expect(await walk(noSlices)).toMatchObject({ ok: false, layer: 'endpoints' });
  });

  it('accepts an ExternalName without pods', async () => {
    const v = await diagnoseServicePath(new FakeKubeClient(fixture('service-sql-db-externalname')), 'finance', 'sql-db', say);
    expect(v.ok).toBe(true);
  });

  it('notices a targetPort no container declares (the bitnami/nginx 8080 trap)', () => {
    const pods = fixture('pods-nginx-frontend');
    expect(targetPortNote({ port: 80, targetPort: 8080 }, pods, say)).toBe('The Service sends port 80 to targetPort 8080, but the pods declare 80 (http).');
    expect(targetPortNote({ port: 80, targetPort: 80 }, pods, say)).toBeNull();
    expect(targetPortNote({ port: 80, targetPort: 'http' }, pods, say)).toBeNull();
  });
});
