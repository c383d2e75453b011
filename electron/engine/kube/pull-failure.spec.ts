// The classes of a failed image pull, judged from containerd's and the kubelet's own words. The
// message shapes follow what kubelets reported in public issues (the images are kindlab's own):
// Docker Hub's 429 through containerd's "failed to copy: httpReadSeeker" (kata-containers#10109,
// dell/csi-baremetal#391), registry.k8s.io's 429 on the HEAD request (kubernetes#126366), the
// moved Bitnami tags with "code = NotFound … not found" (litmuschaos#5210, chatwoot#12735), a
// repository that does not exist (buildkit-cli-for-kubectl#119), DNS on a kind node (kind#3017,
// and test/fixtures/api/*-offline.json recorded here), a proxy (nerdctl#1193), TLS (kind#1010).
import { describe, expect, it } from 'vitest';
import { APP_LABELS } from '../../shared/app-labels.ts';
import { DEFAULT_PINS } from '../addons/pins.ts';
import { fixture } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { classifyPullText, fullRef, hopeless, pinnedBy, pullEventMessages, pullFailure, pullFailureOf, upstreamOf } from './pull-failure.ts';

const HUB_429 =
  'Failed to pull image "postgres:17.11-alpine": failed to pull and unpack image "docker.io/library/postgres:17.11-alpine": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/postgres/manifests/sha256:1b2c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit';
const K8S_429 =
  'failed to pull and unpack image "registry.k8s.io/ingress-nginx/controller:v1.15.1": failed to resolve reference "registry.k8s.io/ingress-nginx/controller:v1.15.1": unexpected status from HEAD request to https://registry.k8s.io/v2/ingress-nginx/controller/manifests/v1.15.1: 429 Too Many Requests';
const BITNAMI =
  'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/bitnami/nginx:1.29.1": failed to resolve reference "docker.io/bitnami/nginx:1.29.1": docker.io/bitnami/nginx:1.29.1: not found';
const NO_REPO =
  'failed to pull and unpack image "docker.io/library/nginx-web:v1": failed to resolve reference "docker.io/library/nginx-web:v1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
const DNS =
  'failed to pull and unpack image "docker.io/library/traefik:v3.6.12": failed to resolve reference "docker.io/library/traefik:v3.6.12": failed to do request: Head "https://registry-1.docker.io/v2/library/traefik/manifests/v3.6.12": dial tcp: lookup registry-1.docker.io on 172.18.0.1:53: read udp 172.18.0.3:36585->172.18.0.1:53: i/o timeout';
const TIMEOUT =
  'failed to pull and unpack image "quay.io/metallb/speaker:v0.16.1": failed to resolve reference "quay.io/metallb/speaker:v0.16.1": failed to do request: Head "https://quay.io/v2/metallb/speaker/manifests/v0.16.1": dial tcp 44.193.101.5:443: i/o timeout';
const PROXY =
  'failed to pull and unpack image "docker.io/nicolaka/netshoot:v0.15": failed to resolve reference "docker.io/nicolaka/netshoot:v0.15": failed to do request: Head "https://registry-1.docker.io/v2/nicolaka/netshoot/manifests/v0.15": proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused';
const TLS =
  'failed to pull and unpack image "quay.io/tigera/operator:v1.42.3": failed to resolve reference "quay.io/tigera/operator:v1.42.3": failed to do request: Head "https://quay.io/v2/tigera/operator/manifests/v1.42.3": tls: failed to verify certificate: x509: certificate signed by unknown authority';

describe('classifyPullText', () => {
  it.each([
    ['Docker Hub 429', HUB_429, 'rate-limited'],
    ['registry.k8s.io 429', K8S_429, 'rate-limited'],
    ['Bitnami tag gone', BITNAMI, 'image-missing'],
    ['repository gone', NO_REPO, 'image-missing'],
    ['manifest unknown', 'failed to resolve reference "ghcr.io/x/y:v1": ghcr.io/x/y:v1: manifest unknown', 'image-missing'],
    ['bad name', 'InvalidImageName Failed to apply default image tag "nginx:": couldn\'t parse image name "nginx:": invalid reference format', 'image-missing'],
    ['DNS', DNS, 'network'],
    ['timeout', TIMEOUT, 'network'],
    ['proxy', PROXY, 'network'],
    ['TLS', TLS, 'network'],
    ['something else', 'failed to pull and unpack image "x": failed to extract layer: no space left on device', 'unknown'],
  ])('%s', (_name, text, cls) => {
    expect(classifyPullText(text).class).toBe(cls);
  });

  it('names the network cause', () => {
    expect(classifyPullText(DNS).cause?.en).toMatch(/DNS/);
    expect(classifyPullText(PROXY).cause?.en).toMatch(/proxy/);
    expect(classifyPullText(TLS).cause?.en).toMatch(/TLS/);
    expect(classifyPullText(TIMEOUT).cause?.en).toMatch(/timed out/);
  });

  it('names kindlab\'s own cache when the node\'s mirror did not answer', () => {
    const down = 'failed to pull and unpack image "docker.io/library/postgres:17.11-alpine": failed to resolve reference "docker.io/library/postgres:17.11-alpine": failed to do request: Head "http://kindlab-cache-docker.io:5000/v2/library/postgres/manifests/17.11-alpine?ns=docker.io": dial tcp: lookup kindlab-cache-docker.io on 127.0.0.11:53: no such host';
    const r = classifyPullText(down);
    expect(r.class).toBe('network');
    expect(r.cause?.en).toMatch(/kindlab's image cache did not answer/);
  });

  it('a rate limit and a moved image cannot be waited out; the network can', () => {
    expect(hopeless('rate-limited')).toBe(true);
    expect(hopeless('image-missing')).toBe(true);
    expect(hopeless('network')).toBe(false);
  });
});

describe('references', () => {
  it('spells out the registry, library/ and the tag as containerd does', () => {
    expect(fullRef('nginx')).toBe('docker.io/library/nginx:latest');
    expect(fullRef('bitnami/nginx:1.29.1')).toBe('docker.io/bitnami/nginx:1.29.1');
    expect(fullRef('quay.io/calico/node:v3.32.1')).toBe('quay.io/calico/node:v3.32.1');
    expect(fullRef('index.docker.io/library/postgres:17.11-alpine')).toBe('docker.io/library/postgres:17.11-alpine');
    expect(upstreamOf('registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594c')).toBe('registry.k8s.io');
    expect(upstreamOf('localhost:5001/x:1')).toBe('localhost:5001');
    expect(upstreamOf('ghcr.io/a/b:1')).toBe('ghcr.io');
  });

  it('finds the add-on that pins an image', () => {
    expect(pinnedBy(DEFAULT_PINS, 'quay.io/calico/node:v3.32.1')?.en).toBe("kindlab's pin of Calico v3.32.1");
    expect(pinnedBy(DEFAULT_PINS, 'registry.k8s.io/ingress-nginx/controller:v1.15.1')?.en).toBe("kindlab's pin of ingress-nginx v1.15.1");
    expect(pinnedBy(DEFAULT_PINS, 'traefik:v3.6.12')?.en).toBe("kindlab's pin of Traefik v3.6.12");
    expect(pinnedBy(DEFAULT_PINS, 'nginx:1.30.4-alpine')).toBeUndefined();
  });
});

describe('pullFailure on recorded pods', () => {
  it('the Bitnami pod as a connected kubelet sees it: image missing, with the Bitnami move and the way out', () => {
    const f = pullFailure(fixture('pod-imagepullbackoff')[0]!);
    expect(f?.class).toBe('image-missing');
    expect(f?.ref).toBe('docker.io/bitnami/nginx:1.29.1');
    expect(f?.hint.en).toMatch(/bitnamilegacy in August 2025/);
    expect(f?.hint.en).toMatch(/official image pinned by tag/);
    expect(f?.hint.zh).toMatch(/bitnamilegacy/);
    expect(f?.label.en).toBe('not found on docker.io');
  });

  it('the same pod on a node without internet: network, with the cache and the offline bundle', () => {
    const [pod] = fixture('pod-imagepullbackoff-offline');
    const f = pullFailure(pod!, fixture('events-imagepullbackoff-offline'));
    expect(f?.class).toBe('network');
    expect(f?.evidence).toMatch(/no such host/);
    expect(f?.hint.en).toMatch(/DNS/);
    expect(f?.hint.en).toContain('`kindlab cache warm`');
    expect(f?.hint.en).toContain('`kindlab bundle import FILE`');
    expect(f?.appHint.en).toContain(`${APP_LABELS.downloadLabImages.en} on the ${APP_LABELS.clusterScreen.en} screen`);
    expect(f?.appHint.en).not.toMatch(/kindlab (cache|bundle)/);
    expect(f?.appHint.zh).toContain(`点“${APP_LABELS.downloadLabImages.zh}”`);
    expect(f?.anyHint.en).toContain('`kindlab cache warm`');
    expect(f?.anyHint.en).toContain(APP_LABELS.downloadLabImages.en);
  });

  it('a pod with no pull problem has no pull failure', () => {
    expect(pullFailure(fixture('pod-nginx-web')[0]!)).toBeNull();
  });
});

describe('pullFailureOf', () => {
  const problem = (message: string, image: string) => ({ pod: 'p-1', container: 'c', reason: 'ImagePullBackOff', message, image });

  it('a Docker Hub rate limit: the cache, a login, the hour', () => {
    const f = pullFailureOf(problem(`Back-off pulling image "postgres:17.11-alpine": ErrImagePull: ${HUB_429.replace(/^Failed to pull image "[^"]+": /, '')}`, 'postgres:17.11-alpine'), 'sales');
    expect(f.class).toBe('rate-limited');
    expect(f.label.en).toBe('rate-limited by docker.io');
    expect(f.hint.en).toMatch(/kindlab cache warm/);
    expect(f.hint.en).toMatch(/docker login/);
    expect(f.hint.zh).toMatch(/docker login/);
    expect(f.appHint.en).toMatch(/Download lab images on the Cluster screen/);
    // The nodes and the cache pull anonymously: a login helps only through the host's own pulls.
    expect(f.hint.en).toMatch(/`docker pull` the images `kindlab cache status` lists as not cached, and push them into the cache with `kindlab cache warm --mode local`/);
    expect(f.appHint.en).not.toMatch(/(^|\s)--[a-z]/);
    expect(f.appHint.en).toMatch(/the nodes and the cache pull anonymously/);
  });

  it('another registry\'s 429 does not send the learner to docker login', () => {
    const f = pullFailureOf(problem(K8S_429, 'registry.k8s.io/ingress-nginx/controller:v1.15.1'), 'ingress-nginx');
    expect(f.class).toBe('rate-limited');
    expect(f.hint.en).toMatch(/registry\.k8s\.io refused/);
    expect(f.hint.en).not.toMatch(/docker login/);
  });

  it('a pinned add-on image that is gone names the pin to check', () => {
    const usedBy = pinnedBy(DEFAULT_PINS, 'quay.io/metallb/speaker:v0.16.1');
    const f = pullFailureOf(problem('failed to pull and unpack image "quay.io/metallb/speaker:v0.16.1": failed to resolve reference "quay.io/metallb/speaker:v0.16.1": quay.io/metallb/speaker:v0.16.1: not found', 'quay.io/metallb/speaker:v0.16.1'), 'metallb-system', [], usedBy ? { usedBy } : {});
    expect(f.class).toBe('image-missing');
    expect(f.hint.en).toMatch(/pinned by kindlab's pin of MetalLB v0.16.1/);
    expect(f.hint.zh).toMatch(/MetalLB v0.16.1/);
  });

  it('falls back to the events when the waiting message says nothing useful', () => {
    const f = pullFailureOf(problem('Back-off pulling image "nicolaka/netshoot:v0.15"', 'nicolaka/netshoot:v0.15'), 'default', [PROXY]);
    expect(f.class).toBe('network');
    expect(f.hint.en).toMatch(/proxy refused/);
  });

  it('keeps only the kubelet\'s pull failures among the events, newest first', () => {
    const ev = (message: string, t: string, reason = 'Failed') => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: t }, reason, message, lastTimestamp: t, involvedObject: { name: 'p-1' } });
    const msgs = pullEventMessages([ev(`Failed to pull image "x": ${DNS}`, '2026-01-01T00:00:01Z'), ev('Error: ErrImagePull', '2026-01-01T00:00:02Z'), ev(`Failed to pull image "x": ${HUB_429}`, '2026-01-01T00:00:03Z'), ev('Pulling image "x"', '2026-01-01T00:00:04Z', 'Pulling')]);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/429/);
  });
});
