import { describe, expect, it } from 'vitest';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { podsReadyChecker } from './pods-ready.ts';

const check = (selector: string, count: number) => ({ id: 'pods', type: 'podsReady' as const, namespace: 'default', selector, count });

describe('podsReady', () => {
  it('passes when exactly the expected pods are Ready', async () => {
    const client = new FakeKubeClient(fixture('pods-nginx-frontend'));
    const r = await podsReadyChecker.run(check('run=nginx-frontend', 3), checkContext(client));
    expect(r.status).toBe('pass');
    expect(r.observed).toBe('3 of 3 matching pod(s) Ready');
  });

  it('names the image pull problem (a Bitnami image) at the pod layer', async () => {
    const client = new FakeKubeClient(fixture('pod-imagepullbackoff'));
    const r = await podsReadyChecker.run(check('run=nginx-lb', 1), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.observed).toContain('ImagePullBackOff');
    expect(r.hint).toMatch(/Bitnami/);
  });

  it('names the network, not Bitnami, when the node never reached the registry (a real kubelet without internet)', async () => {
    const client = new FakeKubeClient(fixture('pod-imagepullbackoff-offline'));
    const r = await podsReadyChecker.run(check('run=nginx-lb', 1), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.observed).toContain('ImagePullBackOff');
    expect(r.observed).toContain('no such host');
    expect(r.hint).toMatch(/could not reach the image registry/);
    expect(r.hint).not.toMatch(/Bitnami/);
  });

  it('says when no pod carries the labels', async () => {
    const client = new FakeKubeClient(fixture('pods-nginx-frontend'));
    const r = await podsReadyChecker.run(check('run=frontend', 3), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.hint).toContain('--show-labels');
  });

  it('fails when more pods are Ready than expected, and speaks Chinese', async () => {
    const client = new FakeKubeClient(fixture('pods-nginx-frontend'));
    const r = await podsReadyChecker.run(check('run=nginx-frontend', 2), checkContext(client, { lang: 'zh' }));
    expect(r.status).toBe('fail');
    expect(r.hint).toContain('副本数');
    expect(r.expected).toContain('处于 Ready 状态');
  });
});
