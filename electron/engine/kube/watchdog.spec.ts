// The watchdog of the add-on installs stops a wait early when a pod's image pull keeps failing,
// and its hint depends on which kind of failure the kubelet reports. Both kinds come from
// recorded pods: a real kubelet that never reached the registry (DNS), and Docker Hub answering
// "not found" for the moved Bitnami tag (tier 3, as a connected kubelet reports it).
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { inLang } from '../i18n/text.ts';
import type { KubeObject } from './client.ts';
import { FakeKubeClient, fixture } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { type WatchdogOptions, watchPullProblems } from './watchdog.ts';

async function trip(client: FakeKubeClient, graceMs = 0, opts: WatchdogOptions = {}): Promise<KindlabError> {
  const dog = watchPullProblems(client, 'default', graceMs, undefined, opts);
  try {
    return await dog.tripped.then(
      () => {
        throw new Error('the watchdog did not trip');
      },
      (e: unknown) => e as KindlabError,
    );
  } finally {
    dog.stop();
  }
}

describe('watchPullProblems', () => {
  it('names the network when the node never reached the registry, with the kubelet\'s events', async () => {
    const err = await trip(new FakeKubeClient([...fixture('pod-imagepullbackoff-offline'), ...fixture('events-imagepullbackoff-offline')]));
    expect(err.failure.code).toBe('image-pull');
    expect(textIn(err.failure.message, 'en')).toBe('default/nginx-lb cannot pull bitnami/nginx:1.29.1: ImagePullBackOff — docker.io not reachable');
    expect(textIn(err.failure.hint, 'en')).toMatch(/could not reach docker\.io .*the registry name did not resolve \(DNS\)/);
    expect(textIn(err.failure.hint, 'en')).toMatch(/kindlab bundle import FILE/);
    expect(textIn(err.failure.appHint ?? '', 'en')).toMatch(/Download lab images on the Cluster screen/);
    expect(textIn(err.failure.appHint ?? '', 'zh')).toMatch(/点“下载实验镜像”/);
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en')).join('\n')).toContain('no such host');
  });

  it('names the Bitnami move when Docker Hub answered "not found"', async () => {
    const err = await trip(new FakeKubeClient(fixture('pod-imagepullbackoff')));
    expect(err.failure.code).toBe('image-pull');
    expect(textIn(err.failure.message, 'en')).toMatch(/— not found on docker\.io$/);
    expect(textIn(err.failure.hint, 'en')).toMatch(/Bitnami moved its free images to docker\.io\/bitnamilegacy/);
    expect(textIn(err.failure.hint, 'zh')).toMatch(/Bitnami/);
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en')).join('\n')).toMatch(/not found/);
  });

  it('stops at once for a pull that waiting cannot fix, and waits the grace period for the network', async () => {
    const limited = (message: string) => {
      const [pod] = fixture('pod-imagepullbackoff');
      const p = structuredClone(pod!) as KubeObject & { status: { containerStatuses: { state: { waiting: { message: string } } }[] } };
      p.status.containerStatuses[0]!.state.waiting.message = message;
      return new FakeKubeClient([p]);
    };
    const t0 = Date.now();
    const err = await trip(
      limited('Back-off pulling image "bitnami/nginx:1.29.1": ErrImagePull: failed to pull and unpack image "docker.io/bitnami/nginx:1.29.1": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/bitnami/nginx/manifests/sha256:1b2c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit.'),
      60_000,
      { hopelessGraceMs: 50 },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(textIn(err.failure.message, 'en')).toMatch(/— rate-limited by docker\.io$/);
    expect(textIn(err.failure.hint, 'en')).toMatch(/kindlab cache warm/);
    expect(textIn(err.failure.hint, 'en')).toMatch(/docker login/);

    const offline = watchPullProblems(new FakeKubeClient(fixture('pod-imagepullbackoff-offline')), 'default', 60_000, undefined, { hopelessGraceMs: 50 });
    let trippedEarly = false;
    offline.tripped.catch(() => (trippedEarly = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(inLang(offline.current() ?? '', 'en')).toBe('default/nginx-lb: ImagePullBackOff (bitnami/nginx:1.29.1) — docker.io not reachable');
    expect(trippedEarly).toBe(false);
    offline.stop();
  });

  it('does not call a Bitnami image an add-on pin', async () => {
    const err = await trip(new FakeKubeClient(fixture('pod-imagepullbackoff')), 0, { usedBy: () => ({ en: "kindlab's pin of MetalLB v0.16.1", zh: 'kindlab 对 MetalLB v0.16.1 的固定版本' }) });
    expect(textIn(err.failure.message, 'en')).toMatch(/not found on docker\.io$/);
  });
});
