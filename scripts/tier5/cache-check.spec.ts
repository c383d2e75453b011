import { describe, expect, it } from 'vitest';
import { containerdUpstreamLines, formatBytes, imageKey, judgeServed, parseAccessLog, parseImageRef, podImages, upstreamLines } from './cache-check.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const BLOB = `sha256:${'b'.repeat(64)}`;

/** One access-log line as the registry's combined-format handler writes it. */
const access = (method: string, uri: string, status: number, ua = 'containerd/v2.4.2') => `172.18.0.3 - - [02/Dec/2026:19:40:01 +0000] "${method} ${uri} HTTP/1.1" ${status} 1234 "" "${ua}"`;

const pods = (items: { ns: string; name: string; containers: { name: string; image: string; imageID: string }[]; init?: { name: string; image: string; imageID: string }[] }[]) =>
  JSON.stringify({
    items: items.map((p) => ({ metadata: { namespace: p.ns, name: p.name }, status: { containerStatuses: p.containers, ...(p.init ? { initContainerStatuses: p.init } : {}) } })),
  });

describe('parseImageRef', () => {
  it('normalises docker.io short names and keeps other registries', () => {
    expect(parseImageRef('nginx:1.30.4-alpine')).toEqual({ upstream: 'docker.io', path: 'library/nginx', tag: '1.30.4-alpine' });
    expect(parseImageRef('docker.io/nicolaka/netshoot:v0.15')).toEqual({ upstream: 'docker.io', path: 'nicolaka/netshoot', tag: 'v0.15' });
    expect(parseImageRef('quay.io/metallb/controller:v0.16.1')).toEqual({ upstream: 'quay.io', path: 'metallb/controller', tag: 'v0.16.1' });
    expect(parseImageRef('registry.k8s.io/coredns/coredns:v1.13.1')).toEqual({ upstream: 'registry.k8s.io', path: 'coredns/coredns', tag: 'v1.13.1' });
    expect(parseImageRef('localhost:5001/app')).toEqual({ upstream: 'localhost:5001', path: 'app', tag: 'latest' });
    expect(parseImageRef(`index.docker.io/library/busybox@${DIGEST}`)).toEqual({ upstream: 'docker.io', path: 'library/busybox', digest: DIGEST });
    expect(parseImageRef(`ghcr.io/x/y:v1@${DIGEST}`)).toEqual({ upstream: 'ghcr.io', path: 'x/y', tag: 'v1', digest: DIGEST });
  });

  it('gives one key to two spellings of the same image', () => {
    expect(imageKey('nginx:1.30.4-alpine')).toBe(imageKey('docker.io/library/nginx:1.30.4-alpine'));
    expect(imageKey('cloudnativelabs/kube-router:v2.1.0')).toBe('docker.io/cloudnativelabs/kube-router:v2.1.0');
  });
});

describe('parseAccessLog', () => {
  it('reads manifest and blob requests and skips every other line', () => {
    const log = [
      'time="2026-12-02T19:40:00Z" level=info msg="listening on [::]:5000" service=registry version=3.0.0',
      access('HEAD', '/v2/library/nginx/manifests/1.30.4-alpine?ns=docker.io', 200),
      access('GET', `/v2/library/nginx/blobs/${BLOB}?ns=docker.io`, 200),
      access('GET', '/v2/', 200),
    ].join('\n');
    expect(parseAccessLog(log)).toEqual([
      { method: 'HEAD', path: 'library/nginx', kind: 'manifests', reference: '1.30.4-alpine', status: 200, userAgent: 'containerd/v2.4.2' },
      { method: 'GET', path: 'library/nginx', kind: 'blobs', reference: BLOB, status: 200, userAgent: 'containerd/v2.4.2' },
    ]);
  });
});

describe('podImages', () => {
  it('lists init containers and containers of every pod', () => {
    const json = pods([{ ns: 'kube-system', name: 'kube-router-x', init: [{ name: 'install-cni', image: 'docker.io/cloudnativelabs/kube-router:v2.1.0', imageID: DIGEST }], containers: [{ name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.1.0', imageID: DIGEST }] }]);
    expect(podImages(json).map((p) => `${p.pod} ${p.container}`)).toEqual(['kube-system/kube-router-x install-cni', 'kube-system/kube-router-x kube-router']);
  });
});

describe('judgeServed', () => {
  const speaker = { name: 'speaker', image: 'quay.io/metallb/speaker:v0.16.1', imageID: `quay.io/metallb/speaker@${DIGEST}` };
  const etcd = { name: 'etcd', image: 'registry.k8s.io/etcd:3.6.6-0', imageID: `sha256:${'c'.repeat(64)}` };
  const base = {
    pods: podImages(pods([{ ns: 'metallb-system', name: 'speaker-1', containers: [speaker] }, { ns: 'kube-system', name: 'etcd-cp', containers: [etcd] }])),
    boot: ['registry.k8s.io/etcd:3.6.6-0'],
    inventory: ['quay.io/metallb/speaker:v0.16.1'],
    strict: true,
  };

  it('accepts an image whose manifest (by digest) and blobs the cache served, and exempts boot images', () => {
    const logs = new Map([['quay.io', [access('GET', `/v2/metallb/speaker/manifests/${DIGEST}?ns=quay.io`, 200), access('GET', `/v2/metallb/speaker/blobs/${BLOB}?ns=quay.io`, 200)].join('\n')]]);
    const r = judgeServed({ ...base, logs });
    expect(r.problems).toEqual([]);
    expect(r.served).toEqual([{ image: 'quay.io/metallb/speaker:v0.16.1', upstream: 'quay.io', pods: ['metallb-system/speaker-1'], manifestRequests: 1, blobRequests: 1 }]);
    expect(r.fromNodeImage).toEqual(['registry.k8s.io/etcd:3.6.6-0']);
  });

  it('fails an image the cache answered 404 for, or that has no cache at all', () => {
    const miss = judgeServed({ ...base, logs: new Map([['quay.io', access('HEAD', '/v2/metallb/speaker/manifests/v0.16.1?ns=quay.io', 404)]]) });
    expect(miss.problems).toEqual([expect.stringMatching(/^quay\.io\/metallb\/speaker:v0\.16\.1 \(metallb-system\/speaker-1\): kindlab-cache-quay\.io served 0 manifest and 0 blob requests/)]);
    const none = judgeServed({ ...base, logs: new Map() });
    expect(none.problems).toEqual([expect.stringMatching(/there is no cache for quay\.io$/)]);
  });

  it('names a pod image that neither the node image nor the inventory accounts for, unless the check is loose', () => {
    const p = podImages(pods([{ ns: 'default', name: 'odd', containers: [{ name: 'c', image: 'docker.io/library/odd:1', imageID: '' }] }]));
    const strict = judgeServed({ ...base, pods: p, logs: new Map() });
    expect(strict.problems).toEqual([
      expect.stringMatching(/runs docker\.io\/library\/odd:1, which is neither a boot image/),
      'default/odd c: docker.io/library/odd:1 has not been pulled (no imageID)',
      expect.stringMatching(/there is no cache for docker\.io$/),
    ]);
    expect(judgeServed({ ...base, pods: p, logs: new Map(), strict: false }).problems).toEqual([]);
  });
});

describe('upstream traffic', () => {
  it('finds pull-through fetches in a cache log but not its trace exporter', () => {
    const log = [
      'time="…" level=error msg="traces export: Post \\"https://localhost:4318/v1/traces\\": dial tcp [::1]:4318: connect: connection refused"',
      'time="…" level=error msg="response completed with error" err.detail="Get \\"https://registry-1.docker.io/v2/\\": dial tcp: lookup registry-1.docker.io: no such host"',
      access('GET', '/v2/library/nginx/manifests/1.30.4-alpine', 200),
    ].join('\n');
    expect(upstreamLines(log)).toHaveLength(1);
    expect(upstreamLines(log)[0]).toMatch(/registry-1\.docker\.io/);
  });

  it('finds a mirror that failed over in a node\'s containerd journal', () => {
    const journal = [
      'level=info msg="PullImage \\"quay.io/metallb/speaker:v0.16.1\\""',
      'level=info msg="trying next host" error="failed to do request: Head \\"http://kindlab-cache-quay.io:5000/v2/…\\": dial tcp: lookup kindlab-cache-quay.io: no such host" host="kindlab-cache-quay.io:5000"',
      'level=info msg="PullImage \\"quay.io/metallb/speaker:v0.16.1\\" returns image reference \\"sha256:…\\""',
    ].join('\n');
    expect(containerdUpstreamLines(journal)).toHaveLength(1);
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(1_234_567_890)).toBe('1.23 GB');
    expect(formatBytes(812_300_000)).toBe('812.3 MB');
    expect(formatBytes(2048)).toBe('2.0 kB');
  });
});
