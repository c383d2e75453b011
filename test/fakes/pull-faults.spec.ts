// The fake API server plays the image pull failures kindlab tells apart (kube/pull-failure.ts) for a
// given image, in containerd's words: Docker Hub's rate limit, another registry's 429, a tag the
// registry does not have, and a node without DNS. The classifier reads them as it reads a real
// kubelet's, and the fix that reaches the learner is the class's.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../electron/engine/kube/client.ts';
import { pullFailure } from '../../electron/engine/kube/pull-failure.ts';
import { type FakeApiServer, startFakeApiServer } from './apiserver/index.ts';
import { pullMessage } from './apiserver/sim/pull-messages.ts';
import { clientFor, installCalico, until } from './testkit.ts';
import { fixture } from './engine/labs/fake-kube.ts';

let api: FakeApiServer;

beforeEach(async () => {
  if (!api) api = await startFakeApiServer({});
  api.setScenario({});
  api.seed({ name: 'cluster01' });
});

afterAll(async () => {
  await api?.close();
});

function pod(name: string, image: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { containers: [{ name, image }] } };
}

async function stuck(name: string, image: string): Promise<{ pod: KubeObject; events: KubeObject[] }> {
  const client = clientFor(api);
  await client.apply(pod(name, image));
  const p = await until(async () => {
    const o = await client.get('v1', 'Pod', name, 'default');
    return (o?.status as { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } | undefined)?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' ? o : null;
  }, `${name} in ImagePullBackOff`);
  const events = (await client.list('v1', 'Event', { namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;
  return { pod: p, events };
}

describe('pull faults by kind', () => {
  it('Docker Hub\'s rate limit for one image: 429 on the manifest, classified rate-limited, fixed by the cache or a login', async () => {
    api.setScenario({ faults: { imagePullBackOff: { namespace: 'default', image: 'postgres:17.11-alpine', reason: 'ImagePullBackOff', kind: 'rate-limited' } } });
    await installCalico(clientFor(api));
    const { pod: p, events } = await stuck('pg', 'postgres:17.11-alpine');
    const failed = events.map((e) => (e as { message?: string }).message ?? '').find((m) => m.startsWith('Failed to pull image'));
    expect(failed).toMatch(/^Failed to pull image "postgres:17\.11-alpine": failed to pull and unpack image "docker\.io\/library\/postgres:17\.11-alpine": failed to copy: httpReadSeeker: failed open: unexpected status code https:\/\/registry-1\.docker\.io\/v2\/library\/postgres\/manifests\/sha256:[0-9a-f]{64}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit\./);
    const f = pullFailure(p, events);
    expect(f?.class).toBe('rate-limited');
    expect(f?.hint.en).toMatch(/kindlab cache warm/);
    expect(f?.hint.en).toMatch(/docker login/);

    // Another pod of the namespace, with another image, pulls as usual.
    const client = clientFor(api);
    await client.apply(pod('web', 'nginxinc/nginx-unprivileged:1.30.4-alpine'));
    await until(async () => (((await client.get('v1', 'Pod', 'web', 'default'))?.status as { phase?: string } | undefined)?.phase === 'Running' ? true : null), 'web running');
  });

  it('a missing image: "not found" from the registry, classified image-missing', async () => {
    api.setScenario({ faults: { imagePullBackOff: { namespace: 'default', image: 'nginx:1.99.0-alpine', reason: 'ImagePullBackOff', kind: 'missing' } } });
    await installCalico(clientFor(api));
    const { pod: p, events } = await stuck('old', 'nginx:1.99.0-alpine');
    const waiting = (p.status as { containerStatuses: { state: { waiting: { message: string } } }[] }).containerStatuses[0]!.state.waiting.message;
    expect(waiting).toBe('Back-off pulling image "nginx:1.99.0-alpine": ErrImagePull: failed to pull and unpack image "docker.io/library/nginx:1.99.0-alpine": failed to resolve reference "docker.io/library/nginx:1.99.0-alpine": docker.io/library/nginx:1.99.0-alpine: not found');
    const f = pullFailure(p, events, { usedBy: { en: 'the lab services', zh: '实验 services' } });
    expect(f?.class).toBe('image-missing');
    expect(f?.hint.en).toMatch(/pinned by the lab services: check that version/);
  });

  it('plays the messages of a real kubelet: the DNS failure matches the recording of a node without internet', () => {
    const [recorded] = fixture('pod-imagepullbackoff-offline');
    const waiting = (recorded!.status as { containerStatuses: { state: { waiting: { message: string } } }[] }).containerStatuses[0]!.state.waiting.message;
    expect(waiting).toBe(`Back-off pulling image "bitnami/nginx:1.29.1": ErrImagePull: ${pullMessage('network', 'bitnami/nginx:1.29.1')}`);
    const [tier3] = fixture('pod-imagepullbackoff');
    const tier3Waiting = (tier3!.status as { containerStatuses: { state: { waiting: { message: string } } }[] }).containerStatuses[0]!.state.waiting.message;
    expect(tier3Waiting).toBe(`Back-off pulling image "bitnami/nginx:1.29.1": ErrImagePull: ${pullMessage('missing', 'bitnami/nginx:1.29.1')}`);
  });

  it('another registry\'s rate limit is the 429 of the resolve', () => {
    expect(pullMessage('rate-limited', 'quay.io/calico/node:v3.32.1')).toBe(
      'failed to pull and unpack image "quay.io/calico/node:v3.32.1": failed to resolve reference "quay.io/calico/node:v3.32.1": unexpected status from HEAD request to https://quay.io/v2/calico/node/manifests/v3.32.1: 429 Too Many Requests',
    );
  });
});
