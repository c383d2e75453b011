// The real labs folder, whatever labs it holds right now: every lab loads, every step is graded
// or says why not, every image is pinned (and none is Bitnami), the book's object names are kept,
// every command is a plain kubectl/docker command, and every step can be described and dry-run
// with the example values.
import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../electron/engine/labs/argv.ts';
import { describeStep } from '../../electron/engine/labs/describe.ts';
import { commandImages, imageProblem } from '../../electron/engine/labs/images.ts';
import { DEFAULT_LABS_DIR, type LoadedLab, imagesOf, loadLabs } from '../../electron/engine/labs/loader.ts';
import { prepareObjects } from '../../electron/engine/labs/manifest.ts';
import { renderDeep } from '../../electron/engine/labs/render.ts';
import { unexecutedStep } from '../../electron/engine/labs/service.ts';
import { EXAMPLE_VARS, renderTemplate } from '../../electron/engine/labs/vars.ts';
import type { KubeObject } from '../../electron/engine/kube/client.ts';

const { labs, problems } = loadLabs(DEFAULT_LABS_DIR);
const byId = new Map(labs.map((l) => [l.id, l]));

function objectsOf(lab: LoadedLab): KubeObject[] {
  return [...lab.manifests.entries()].flatMap(([path, text]) => prepareObjects(text, EXAMPLE_VARS, lab.id, path));
}

function find(lab: LoadedLab | undefined, kind: string, name: string, namespace = 'default'): KubeObject | undefined {
  return lab ? objectsOf(lab).find((o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? namespace) === namespace) : undefined;
}

const spec = (o: KubeObject | undefined) => (o?.spec ?? {}) as Record<string, unknown>;
const templateLabels = (o: KubeObject | undefined) => ((spec(o).template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ?? {});


describe('the labs folder', () => {
  it('has labs, and every lab loads without problems', () => {
    expect(labs.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

describe.each(labs.map((l) => [l.id, l] as const))('lab %s', (_id, lab) => {
  it('grades every step, or says why not', () => {
    for (const s of lab.spec.steps) expect(s.checks.length > 0 || s.noCheckReason !== undefined, `step ${s.id}`).toBe(true);
  });

  it('pins every image by tag, in manifests and in commands, and uses no Bitnami image', () => {
    const found: string[] = [];
    for (const o of objectsOf(lab)) for (const img of imagesOf(o as Parameters<typeof imagesOf>[0])) found.push(img.image);
    for (const s of lab.spec.steps) {
      for (const a of s.actions) {
        if (!('run' in a)) continue;
        found.push(...commandImages(splitCommand(renderTemplate(a.run, EXAMPLE_VARS)).args));
      }
    }
    expect(found.map(imageProblem).filter(Boolean)).toEqual([]);
  });

  it('runs only plain kubectl or docker commands', () => {
    for (const s of lab.spec.steps) for (const a of s.actions) if ('run' in a) expect(() => splitCommand(renderTemplate(a.run, EXAMPLE_VARS)), a.run).not.toThrow();
  });

  it('fills every check with the example values', () => {
    for (const s of lab.spec.steps) for (const c of s.checks) expect(() => renderDeep(c, EXAMPLE_VARS), `${s.id}/${c.id}`).not.toThrow();
  });

  it('describes every step in both languages and dry-runs it', () => {
    lab.spec.steps.forEach((s, i) => {
      for (const lang of ['en', 'zh'] as const) {
        const view = describeStep(lab, i, EXAMPLE_VARS, lang);
        expect(view.id).toBe(s.id);
        expect(view.markdown.trim().length).toBeGreaterThan(0);
        expect(view.markdown).not.toMatch(/\{\{\s*\w+\s*\}\}/);
        expect(view.actions).toHaveLength(s.actions.length);
        for (const c of view.checks) expect(c.description.length, `${s.id}/${c.id}`).toBeGreaterThan(0);
        if (s.bookNote) expect(view.markdown.startsWith('> **')).toBe(true);
      }
      const dry = unexecutedStep(lab, i, EXAMPLE_VARS, 'en', 'dry run');
      expect(dry.checks.every((c) => c.status === 'skipped' && c.expected.length > 0)).toBe(true);
    });
  });
});

describe("the book's object names", () => {
  const lab = (id: string) => byId.get(id);

  // A lab that disappears must fail here, not skip its name checks.
  it('has every lab of the chapter', () => {
    expect([...byId.keys()].sort()).toEqual(expect.arrayContaining(['dns', 'externalname', 'ingress', 'loadbalancer', 'netpol', 'nodeport', 'services']));
  });

  it('dns: mysql-web in database, looked up from productionweb', () => {
    const l = lab('dns');
    const namespaces = (l ? objectsOf(l) : []).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces).toEqual(expect.arrayContaining(['database', 'productionweb']));
    expect(find(l, 'Service', 'mysql-web', 'database')).toBeDefined();
    expect(find(l, 'Deployment', 'mysql-web', 'database')).toBeDefined();
  });

  it('nodeport: nginx-frontend becomes a NodePort Service on 80 and 443', () => {
    const s = spec(find(lab('nodeport'), 'Service', 'nginx-frontend'));
    expect(s.type).toBe('NodePort');
    expect((s.ports as { port: number }[]).map((p) => p.port).sort((a, b) => a - b)).toEqual([80, 443]);
    expect(s.selector).toEqual({ run: 'nginx-frontend' });
  });

  it('services: nginx-frontend selected by run=nginx-frontend', () => {
    const l = lab('services');
    expect(templateLabels(find(l, 'Deployment', 'nginx-frontend')).run).toBe('nginx-frontend');
    expect(spec(find(l, 'Service', 'nginx-frontend')).selector).toEqual({ run: 'nginx-frontend' });
  });

  it('ingress: nginx-web behind the Ingress nginx-ingress', () => {
    const l = lab('ingress');
    expect(find(l, 'Deployment', 'nginx-web')).toBeDefined();
    expect(find(l, 'Service', 'nginx-web')).toBeDefined();
    const ing = find(l, 'Ingress', 'nginx-ingress');
    const rule = (spec(ing).rules as { host: string; http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[])[0];
    expect(rule?.host).toMatch(/^webserver\..+\.nip\.io$/);
    expect(rule?.http.paths[0]?.backend.service).toEqual({ name: 'nginx-web', port: { number: 8080 } });
    expect((spec(find(l, 'Service', 'nginx-web')).ports as { port: number; targetPort: number }[])[0]).toMatchObject({ port: 8080, targetPort: 8080 });
  });

  it('loadbalancer: nginx-lb (run=nginx-lb), nginx-lb-pool02 and coredns-ext', () => {
    const l = lab('loadbalancer');
    const lb = find(l, 'Service', 'nginx-lb');
    expect(spec(lb)).toMatchObject({ type: 'LoadBalancer', selector: { run: 'nginx-lb' } });
    const pool02 = find(l, 'Service', 'nginx-lb-pool02');
    expect(spec(pool02).type).toBe('LoadBalancer');
    expect(pool02?.metadata.annotations?.['metallb.io/address-pool']).toBe('pool-02');
    expect(spec(find(l, 'Service', 'coredns-ext', 'kube-system')).type).toBe('LoadBalancer');
  });

  it('externalname: finance/sql-db as an ExternalName', () => {
    const l = lab('externalname');
    const all = l ? objectsOf(l).filter((o) => o.kind === 'Service' && o.metadata.name === 'sql-db' && o.metadata.namespace === 'finance') : [];
    expect(all.some((o) => spec(o).type === 'ExternalName')).toBe(true);
  });

  it('netpol: sales, the db-postgresql StatefulSet, backend-netpol and deny-all', () => {
    const l = lab('netpol');
    expect(l && objectsOf(l).some((o) => o.kind === 'Namespace' && o.metadata.name === 'sales')).toBe(true);
    expect(templateLabels(find(l, 'StatefulSet', 'db-postgresql', 'sales'))['app.kubernetes.io/name']).toBe('postgresql');
    const policy = find(l, 'NetworkPolicy', 'backend-netpol', 'sales');
    expect((spec(policy).podSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'postgresql' });
    expect(find(l, 'NetworkPolicy', 'deny-all', 'sales')).toBeDefined();
  });
});
