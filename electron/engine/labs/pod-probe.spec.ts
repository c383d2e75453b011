import { describe, expect, it } from 'vitest';
import { isCancellation } from '../errors.ts';
import type { KubeObject } from '../kube/client.ts';
import { runPodProbe, runPodSession } from './pod-probe.ts';
import { sayer } from './say.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';

const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } };
const req = { namespace: 'sales', labels: { app: 'wrong' }, image: 'nicolaka/netshoot:v0.15', command: ['nc', '-z', '-v', '-w', '3', '10.240.1.20', '5432'], timeoutS: 3 };
const deps = (client: FakeKubeClient, signal?: AbortSignal) => ({ client, say: sayer('en'), timeoutScale: 0.001, ...(signal ? { signal } : {}), labels: { 'kindlab.io/lab': 'netpol' } });

describe('runPodProbe', () => {
  it('creates a bounded, labelled, never-restarting pod, reads its log and deletes it', async () => {
    let created: KubeObject | undefined;
    const client = new FakeKubeClient([ns]).scriptPods((pod) => {
      created = pod;
      return { phase: 'Failed', exitCode: 1, log: 'nc: connect to 10.240.1.20 port 5432 (tcp) timed out: Operation now in progress' };
    });
    const r = await runPodProbe(deps(client), req);
    expect(r).toMatchObject({ kind: 'completed', exitCode: 1 });
    expect(r.kind === 'completed' && r.log).toContain('timed out');
    expect(created?.metadata.name).toMatch(/^kindlab-probe-[0-9a-f]{6}$/);
    expect(created?.metadata.labels).toEqual({ app: 'wrong', 'kindlab.io/lab': 'netpol', 'kindlab.io/probe': 'true' });
    expect(created?.spec).toMatchObject({ restartPolicy: 'Never', terminationGracePeriodSeconds: 0, containers: [{ image: 'nicolaka/netshoot:v0.15', command: req.command }] });
    expect(client.all('Pod')).toEqual([]);
  });

  it('stops early on an image that cannot be pulled, and says so', async () => {
    const client = new FakeKubeClient([ns]).scriptPods(() => ({ waiting: 'ImagePullBackOff', message: 'failed to pull "nicolaka/netshoot:v0.15": manifest unknown' }));
    const r = await runPodProbe(deps(client), req);
    expect(r).toMatchObject({ kind: 'not-run', reason: 'image-pull' });
    expect(r.kind === 'not-run' && r.detail).toContain('ImagePullBackOff');
    expect(r.kind === 'not-run' && r.detail).toContain('(not found on docker.io, pinned by kindlab\'s probe image pin)');
    expect(client.all('Pod')).toEqual([]);
  });

  it('stops early on a rate limit, with the cache as the way out', async () => {
    const client = new FakeKubeClient([ns]).scriptPods(() => ({
      waiting: 'ErrImagePull',
      message: 'failed to pull and unpack image "docker.io/nicolaka/netshoot:v0.15": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/nicolaka/netshoot/manifests/sha256:1b2c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit.',
    }));
    const r = await runPodProbe(deps(client), req);
    expect(r).toMatchObject({ kind: 'not-run', reason: 'image-pull' });
    expect(r.kind === 'not-run' && r.detail).toContain('(rate-limited by docker.io)');
    expect(r.kind === 'not-run' && r.detail).toMatch(/kindlab cache warm/);
    expect(client.all('Pod')).toEqual([]);
  });

  it('gives up within its bound on a pod that never ends', async () => {
    const client = new FakeKubeClient([ns]);
    const r = await runPodProbe({ ...deps(client), timeoutScale: 0 }, { ...req, timeoutS: -14.9 });
    expect(r).toMatchObject({ kind: 'not-run', reason: 'timeout' });
    expect(client.all('Pod')).toEqual([]);
  });

  it('deletes the pod when the run is cancelled', async () => {
    const client = new FakeKubeClient([ns]);
    const ac = new AbortController();
    const p = runPodProbe(deps(client, ac.signal), req);
    await new Promise((r) => setImmediate(r));
    expect(client.all('Pod')).toHaveLength(1);
    ac.abort();
    const err = await p.catch((e: unknown) => e);
    expect(isCancellation(err)).toBe(true);
    expect(client.all('Pod')).toEqual([]);
  });

  it('reports a namespace that does not exist', async () => {
    const r = await runPodProbe(deps(new FakeKubeClient()), req);
    expect(r).toMatchObject({ kind: 'not-run', reason: 'create' });
    expect(r.kind === 'not-run' && r.detail).toContain('namespaces "sales" not found');
  });

  it('reads a session\'s log while its pod runs, and stops the pod once the log is enough', async () => {
    const client = new FakeKubeClient([ns]).scriptPods(() => ({ ready: true }));
    const seen: string[] = [];
    const p = runPodSession(deps(client), req, {
      everyMs: 5,
      enough: (log) => {
        seen.push(log);
        return log.includes('kindlab-attempt:1\nnc');
      },
    });
    // the pod runs and prints its tries one after the other
    await new Promise((r) => setTimeout(r, 20));
    const [pod] = client.all('Pod');
    const key = `sales/${pod?.metadata.name}`;
    client.logs.set(key, 'nc: connect to 10.240.1.20 port 5432 (tcp) failed: Connection refused\nkindlab-attempt:1\n');
    await new Promise((r) => setTimeout(r, 20));
    client.logs.set(key, `${client.logs.get(key)}nc: connect to 10.240.1.20 port 5432 (tcp) failed: Connection refused\nkindlab-attempt:1\n`);
    const r = await p;
    expect(r).toMatchObject({ kind: 'stopped' });
    expect(r.kind === 'stopped' && r.log.split('kindlab-attempt').length).toBe(3);
    expect(seen.length).toBeGreaterThan(1);
    expect(client.all('Pod')).toEqual([]);
  });

  it('ends a session normally when the pod finishes before the log is enough', async () => {
    const client = new FakeKubeClient([ns]).scriptPods(() => ({ phase: 'Succeeded', log: 'Connection to 10.240.1.20 5432 port [tcp/postgresql] succeeded!\nkindlab-attempt:0\n' }));
    const r = await runPodSession(deps(client), req, { everyMs: 5, enough: () => false });
    expect(r).toMatchObject({ kind: 'completed', exitCode: 0 });
    expect(client.all('Pod')).toEqual([]);
  });
});
