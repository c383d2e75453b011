// What containerd (as the kubelet of Kubernetes 1.35 quotes it) says when a pull fails, for the
// faults a scenario names by kind instead of spelling out the message. The shapes are those of
// real kubelets: the DNS failure is recorded here (test/fixtures/api/pod-imagepullbackoff-offline.json),
// the others follow kubelets' events quoted in public issues: Docker Hub's 429 arrives on the GET
// of a manifest by digest ("failed to copy: httpReadSeeker: failed open: unexpected status code
// …"), since HEAD requests do not count against its limit; other registries answer the HEAD of
// the resolve with 429; a tag that is gone ends "…: not found" (the Bitnami move).
import { createHash } from 'node:crypto';
import { fullImage } from './context.ts';

export type PullFaultKind = 'rate-limited' | 'missing' | 'network';

/** The registry host containerd talks to for a reference (Docker Hub's API lives on registry-1). */
function registryHost(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return first === 'docker.io' ? 'registry-1.docker.io' : first;
}

function parts(image: string): { ref: string; host: string; path: string; tag: string } {
  const ref = fullImage(image);
  const [, ...rest] = ref.split('/');
  const tail = rest.join('/');
  const at = tail.search(/[@:][^/]*$/);
  const path = at >= 0 ? tail.slice(0, at) : tail;
  const tag = at >= 0 ? tail.slice(at + 1) : 'latest';
  return { ref, host: registryHost(ref), path, tag };
}

/** A stable stand-in for the manifest's digest, so that repeated runs write the same message. */
function digestOf(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** The error text after `Failed to pull image "<image>": `, as the kubelet's event and the waiting message carry it. */
export function pullMessage(kind: PullFaultKind, image: string): string {
  const { ref, host, path, tag } = parts(image);
  const unpack = `failed to pull and unpack image "${ref}"`;
  const resolve = `failed to resolve reference "${ref}"`;
  if (kind === 'rate-limited') {
    if (host === 'registry-1.docker.io') {
      return `${unpack}: failed to copy: httpReadSeeker: failed open: unexpected status code https://${host}/v2/${path}/manifests/sha256:${digestOf(ref)}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit`;
    }
    return `${unpack}: ${resolve}: unexpected status from HEAD request to https://${host}/v2/${path}/manifests/${tag}: 429 Too Many Requests`;
  }
  if (kind === 'missing') return `${unpack}: ${resolve}: ${ref}: not found`;
  return `${unpack}: ${resolve}: failed to do request: Head "https://${host}/v2/${path}/manifests/${tag}": dial tcp: lookup ${host} on 172.18.0.1:53: no such host`;
}
