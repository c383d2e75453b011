import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
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
    expect(r.hint).toMatch(/Bitnami moved its free images to docker\.io\/bitnamilegacy/);
    expect(r.observed).toContain('(not found on docker.io)');
  });

  it('names the network, not Bitnami, when the node never reached the registry (a real kubelet without internet)', async () => {
    const client = new FakeKubeClient(fixture('pod-imagepullbackoff-offline'));
    const r = await podsReadyChecker.run(check('run=nginx-lb', 1), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.observed).toContain('ImagePullBackOff');
    expect(r.observed).toContain('no such host');
    expect(r.observed).toContain('(docker.io not reachable)');
    expect(r.hint).toMatch(/could not reach docker\.io/);
    expect(r.hint).toMatch(/Download lab images on the Cluster screen, or `kindlab cache warm`/);
    expect(r.hint).toMatch(/kindlab bundle import FILE/);
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

  it('a rate-limited pull names the cache and the login, and a missing lab image names the lab', async () => {
    const withMessage = (message: string) => {
      const [pod] = fixture('pod-imagepullbackoff');
      const p = structuredClone(pod!) as KubeObject & { spec: { containers: { image: string }[] }; status: { containerStatuses: { image: string; state: { waiting: { message: string } } }[] } };
      p.spec.containers[0]!.image = 'nginxinc/nginx-unprivileged:1.30.4-alpine';
      p.status.containerStatuses[0]!.image = 'nginxinc/nginx-unprivileged:1.30.4-alpine';
      p.status.containerStatuses[0]!.state.waiting.message = message;
      return new FakeKubeClient([p]);
    };
    const limited = await podsReadyChecker.run(
      check('run=nginx-lb', 1),
      checkContext(withMessage('Back-off pulling image "nginxinc/nginx-unprivileged:1.30.4-alpine": ErrImagePull: failed to pull and unpack image "docker.io/nginxinc/nginx-unprivileged:1.30.4-alpine": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/nginxinc/nginx-unprivileged/manifests/sha256:1b2c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit.')),
    );
    expect(limited.observed).toContain('(rate-limited by docker.io)');
    expect(limited.hint).toMatch(/kindlab cache warm/);
    expect(limited.hint).toMatch(/docker login/);
    const missing = await podsReadyChecker.run(
      check('run=nginx-lb', 1),
      { ...checkContext(withMessage('Back-off pulling image "nginxinc/nginx-unprivileged:1.30.4-alpine": ErrImagePull: failed to pull and unpack image "docker.io/nginxinc/nginx-unprivileged:1.30.4-alpine": failed to resolve reference "docker.io/nginxinc/nginx-unprivileged:1.30.4-alpine": docker.io/nginxinc/nginx-unprivileged:1.30.4-alpine: not found')), labId: 'loadbalancer' },
    );
    expect(missing.observed).toContain('(not found on docker.io, pinned by the lab loadbalancer)');
    expect(missing.hint).toMatch(/pinned by the lab loadbalancer: check that version/);
  });
});
