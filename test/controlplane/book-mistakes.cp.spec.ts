// The chapter's mistakes that a real Kubernetes can catch, caught by one: each test gives the
// book's version to the real API server (or kubectl, or kube-apiserver itself), expects the
// refusal in the server's own words, and shows that the version the lab teaches is accepted.
// The book's versions below are minimal reproductions of the printed mistakes, not copies.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { waitFor } from '../../electron/engine/kube/wait.ts';
import { KindlabError } from '../../electron/engine/errors.ts';
import { textIn } from '../../electron/shared/text.ts';
import type { KubeObject } from '../../electron/engine/kube/client.ts';
import { renderKindConfig } from '../../electron/engine/cluster/kind-config.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import { client, installAddonApis, kubeconfig, labVars, withTempDir } from './world.ts';
import { renderTemplate, type LabVars } from '../../electron/engine/labs/vars.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const lab = (path: string) => readFileSync(join(REPO, 'labs', path), 'utf8');
let vars: LabVars;

function kubectl(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(join(inject('cpBin'), 'kubectl'), ['--kubeconfig', kubeconfig(), ...args], { input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The server's answer to a strict server-side apply (what the lab runner does). */
async function serverRefusal(obj: KubeObject): Promise<string> {
  try {
    await client().apply(obj);
  } catch (err) {
    if (err instanceof KindlabError) return textIn(err.failure.message, 'en');
    throw err;
  }
  return '(accepted)';
}

beforeAll(async () => {
  await installAddonApis();
  vars = await labVars();
  for (const name of ['finance', 'book-netpol']) await client().apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});

// Leave the cluster as the labs expect it (the labs' own tier runs after this file).
afterAll(async () => {
  for (const name of ['finance', 'book-netpol']) await client().delete('v1', 'Namespace', name);
  await waitFor(client(), { apiVersion: 'v1', kind: 'Namespace' }, (l) => ({ done: !l.some((n) => n.metadata.name === 'finance' || n.metadata.name === 'book-netpol') }), { timeoutMs: 120_000, what: 'test namespaces gone' });
});

describe('ExternalName → ClusterIP migration: `name: sql` directly under spec', () => {
  const book = readFileSync(join(REPO, 'labs/externalname/manifests/book-sql-db-service.yaml'), 'utf8');

  it('kubectl with strict validation refuses the book version, in the server own words', () => {
    const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], book);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/strict decoding error: unknown field "spec\.name"/);
  });

  it("the engine's server-side apply is refused too", async () => {
    expect(await serverRefusal(parse(book) as KubeObject)).toMatch(/\.spec\.name: field not declared in schema|unknown field "spec\.name"/);
  });

  it("the lab's version (name inside the port item) is accepted", () => {
    const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], lab('externalname/manifests/sql-db-service.yaml'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('IPAddressPool: serviceAllocation and avoidBuggyIPs at the wrong level', () => {
  // As printed, the indentation is not even YAML; kubectl stops before any request.
  const asPrinted = [
    'apiVersion: metallb.io/v1beta1',
    'kind: IPAddressPool',
    'metadata:',
    '  name: buggy-example-pool',
    '  namespace: metallb-system',
    'spec:',
    '  addresses:',
    '    - 172.168.205.0/24',
    '    avoidBuggyIPs: true',
    '',
  ].join('\n');
  // Written so that it parses, the fields end up where the schema has no such field.
  const flattened = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'ns-scoped-pool', namespace: 'metallb-system' },
    spec: { addresses: ['172.18.202.100-172.18.202.125'], priority: 50, namespaces: ['web', 'sales'] },
  };

  it('the printed YAML does not parse', () => {
    const r = kubectl(['apply', '--dry-run=server', '-f', '-'], asPrinted);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/error converting YAML to JSON|did not find expected key|mapping values are not allowed/);
  });

  it("MetalLB's real CRD schema refuses serviceAllocation's fields directly under spec", async () => {
    const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], JSON.stringify(flattened));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown field "spec\.(namespaces|priority)"/);
    expect(await serverRefusal(flattened as KubeObject)).toMatch(/spec\.(namespaces|priority)/);
  });

  it("the lab's pool (fields nested under spec.serviceAllocation, a private range) is accepted", () => {
    const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], renderTemplate(lab('loadbalancer/manifests/ns-scoped-pool.yaml'), vars));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe("NetworkPolicy: the text's podSelector selects the frontend, not the database", () => {
  beforeAll(async () => {
    const c = client();
    for (const [name, labels] of [
      ['db-postgresql-0', { 'app.kubernetes.io/name': 'postgresql' }],
      ['frontend', { app: 'frontend' }],
    ] as const) {
      await c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'book-netpol', labels }, spec: { containers: [{ name: 'c', image: 'busybox:1.37.0' }] } });
    }
  });

  function selected(policy: KubeObject): string[] {
    const sel = (policy.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels;
    const r = kubectl(['get', 'pods', '-n', 'book-netpol', '-l', Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(','), '-o', 'name']);
    return r.stdout.trim().split('\n').filter(Boolean);
  }

  it('the API accepts both; only the lab version protects the database pod', async () => {
    const book = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'backend-netpol', namespace: 'book-netpol' }, spec: { podSelector: { matchLabels: { app: 'frontend' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }], policyTypes: ['Ingress'] } };
    await client().apply(book as KubeObject);
    expect(selected(book as KubeObject)).toEqual(['pod/frontend']);
    const ours = parse(renderTemplate(lab('netpol/manifests/backend-netpol.yaml'), vars)) as KubeObject;
    expect(selected(ours)).toEqual(['pod/db-postgresql-0']);
  });
});

describe('`kubectl get pods` without --show-labels', () => {
  it('prints no labels column; the lab adds the flag the book forgot', async () => {
    await client().apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'labelled', namespace: 'book-netpol', labels: { run: 'nginx-frontend' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.30.4-alpine' }] } });
    const plain = kubectl(['get', 'pods', 'labelled', '-n', 'book-netpol']);
    const withLabels = kubectl(['get', 'pods', 'labelled', '-n', 'book-netpol', '--show-labels']);
    expect(plain.stdout).not.toMatch(/LABELS|run=nginx-frontend/);
    expect(withLabels.stdout).toMatch(/LABELS/);
    expect(withLabels.stdout).toMatch(/run=nginx-frontend/);
  });
});

describe("the book's kind config on Kubernetes 1.35", () => {
  it('kube-apiserver itself refuses the ValidatingAdmissionPolicy feature gate (GA and locked since 1.32)', () => {
    const r = spawnSync(join(inject('cpBin'), 'kube-apiserver'), ['--feature-gates=ValidatingAdmissionPolicy=true', '--etcd-servers=http://127.0.0.1:1'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).not.toBe(0);
    expect(`${r.stderr}${r.stdout}`).toMatch(/unrecognized feature gate: ValidatingAdmissionPolicy/);
  });

  it("kindlab's own kind config carries no feature gates and no runtimeConfig", async () => {
    const cfg = await withTempDir('kl-kind-', (dir) => {
      const file = join(dir, 'kind.yaml');
      writeFileSync(file, renderKindConfig({ name: 'cluster01', lanAccess: false, cni: 'calico', ingress: 'ingress-nginx' }, { nodeImage: DEFAULT_PINS.nodeImage }));
      return parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    });
    expect(cfg.featureGates).toBeUndefined();
    expect(cfg.runtimeConfig).toBeUndefined();
  });
});
