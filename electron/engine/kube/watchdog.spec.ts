// The watchdog of the add-on installs stops a wait early when a pod's image pull keeps failing,
// and its hint depends on which kind of failure the kubelet reports. Both kinds come from
// recorded pods: a real kubelet that never reached the registry (DNS), and Docker Hub answering
// "not found" for the moved Bitnami tag (tier 3, as a connected kubelet reports it).
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { FakeKubeClient, fixture } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { watchPullProblems } from './watchdog.ts';

async function trip(client: FakeKubeClient): Promise<KindlabError> {
  const dog = watchPullProblems(client, 'default', 0);
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
    expect(textIn(err.failure.message, 'en')).toBe('default/nginx-lb cannot pull bitnami/nginx:1.29.1: ImagePullBackOff');
    expect(textIn(err.failure.hint, 'en')).toMatch(/could not reach the image registry/);
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en')).join('\n')).toContain('no such host');
  });

  it('keeps the general pull hint when the registry answered "not found"', async () => {
    const err = await trip(new FakeKubeClient(fixture('pod-imagepullbackoff')));
    expect(err.failure.code).toBe('image-pull');
    expect(textIn(err.failure.hint, 'en')).toMatch(/The node cannot pull this image/);
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en')).join('\n')).toMatch(/not found/);
  });
});
