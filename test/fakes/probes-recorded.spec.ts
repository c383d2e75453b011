// The fake data plane's nc, dig and nslookup print what the real tools printed in pods of a real
// kind cluster on kube-router (test/fixtures/probes/, recorded by scripts/record-probes.ts): the
// same command against the same kind of target in a fake kube-router cluster, compared once the
// addresses, query ids, DNS cookies and connect times are masked. Where the world's stand-in image (Debian's
// glibc) and upstream's (Alpine's musl) word something differently, the mask names both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustKubeRouterObjects } from '../../electron/engine/addons/kube-router.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import type { KubeObject, RestKubeClient } from '../../electron/engine/kube/client.ts';
import { type FakeApiServer, startFakeApiServer } from './apiserver/index.ts';
import { applyAll, clientFor, fixtureObjects, until, waitPods } from './testkit.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const recorded = (name: string) => JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'probes', `${name}.json`), 'utf8')) as { argv: string[]; exitCode: number; log: string };

let api: FakeApiServer;
let client: RestKubeClient;
let probes = 0;

function labObjects(lab: string, file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(REPO, 'labs', lab, 'manifests', file), 'utf8'))
    .map((d) => d.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === 'object' && 'kind' in o);
}

/** Runs a command in a probe pod of the fake cluster: its exit code and log. */
async function inPod(namespace: string, command: string[]): Promise<{ exitCode: number; log: string }> {
  const name = `probe-${++probes}`;
  await client.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'kindlab.io/probe': 'check' } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'probe', image: DEFAULT_PINS.images.netshoot, command }] },
  });
  const pod = await until(async () => {
    const p = (await client.get('v1', 'Pod', name, namespace)) as { status?: { phase?: string; containerStatuses?: { state?: { terminated?: { exitCode?: number } } }[] } } | null;
    return p && ['Succeeded', 'Failed'].includes(p.status?.phase ?? '') ? p : null;
  }, `${name} to finish`);
  return { exitCode: pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode ?? -1, log: await client.podLogs(namespace, name) };
}

/** What differs between two clusters and two runs: addresses, query ids, cookies, the resolver library's wording. */
function mask(text: string): string {
  return text
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
    .replace(/id: \d+/g, 'id: <n>')
    .replace(/after \d+ ms/g, 'after <n> ms')
    .replace(/COOKIE: [0-9a-f]+/g, 'COOKIE: <hex>')
    .replace(/Name or service not known|Name does not resolve/g, '<no such name>');
}

let ips: Record<string, string>;

beforeAll(async () => {
  api = await startFakeApiServer({ scenario: { timings: { cniConfigMs: 50 } } });
  api.seed({ name: 'cluster01' });
  client = clientFor(api);
  await applyAll(client, adjustKubeRouterObjects(fixtureObjects('generic-kuberouter.yaml'), DEFAULT_PINS.kubeRouter.image));
  await waitPods(client, 'k8s-app=kube-dns', 'kube-system', 1);
  for (const [lab, file] of [
    ['services', 'nginx-frontend-deployment.yaml'],
    ['services', 'nginx-frontend-service.yaml'],
    ['loadbalancer', 'nginx-lb.yaml'],
    ['externalname', 'finance-namespace.yaml'],
    ['externalname', 'sql-db-externalname.yaml'],
  ] as const) {
    await applyAll(client, labObjects(lab, file));
  }
  await waitPods(client, 'run=nginx-frontend', 'default', 3);
  const [lbPod] = await waitPods(client, 'run=nginx-lb', 'default', 1);
  const svc = await client.get('v1', 'Service', 'nginx-frontend', 'default');
  const worker = (await client.get('v1', 'Node', 'cluster01-worker')) as { spec?: { podCIDR?: string } } | null;
  ips = {
    frontend: String((svc?.spec as { clusterIP?: string }).clusterIP),
    pod: String((lbPod?.status as { podIP?: string }).podIP),
    absent: String(worker?.spec?.podCIDR ?? '10.240.1.0/24').replace(/\.\d+\/\d+$/, '.250'),
  };
});

afterAll(async () => {
  await api.close();
});

/** The recorded command, aimed at this cluster's target of the same kind. */
function sameCommand(argv: string[], target: keyof typeof ips, recordedTarget: string): string[] {
  return argv.map((a) => a.split(recordedTarget).join(ips[target] ?? ''));
}

/** The address a recorded command aimed at (the first IPv4 address in it). */
const addressIn = (argv: string[]) => /\b\d{1,3}(?:\.\d{1,3}){3}\b/.exec(argv.join(' '))?.[0] ?? '';

describe('fake probe pods against recordings of a real kube-router cluster', () => {
  it.each([
    ['dig-a', 'default', null],
    ['dig-tcp', 'default', null],
    ['dig-cname', 'finance', null],
    ['dig-nxdomain', 'default', null],
    ['dig-no-server', 'default', 'absent'],
    ['dig-no-server-tcp', 'default', 'absent'],
    ['dig-pod-refused', 'default', 'pod'],
    ['nslookup-a', 'default', null],
    ['nslookup-cname', 'finance', null],
    ['nslookup-nxdomain', 'default', null],
    ['nslookup-no-server', 'default', 'absent'],
    ['nc-open', 'default', 'frontend'],
    ['nc-refused', 'default', 'pod'],
    ['nc-unknown-name', 'default', null],
    ['curl-pod-refused', 'default', 'pod'],
    ['session-refused', 'default', 'pod'],
  ] as const)('%s', async (name, namespace, target) => {
    const real = recorded(name);
    const argv = target ? sameCommand(real.argv, target, addressIn(real.argv)) : real.argv;
    const fake = await inPod(namespace, argv);
    expect(mask(fake.log)).toBe(mask(real.log));
    expect(fake.exitCode).toBe(real.exitCode);
  });
});
