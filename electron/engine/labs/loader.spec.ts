import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LABS_DIR, formatPath, loadLabs, manifestProblems, summarize } from './loader.ts';

/** A copy of the real labs to break in one place per test. */
function copyLabs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kl-labs-'));
  cpSync(DEFAULT_LABS_DIR, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, fn: (text: string) => string): void {
  const p = join(dir, file);
  writeFileSync(p, fn(readFileSync(p, 'utf8')));
}

describe('loadLabs on the real labs', () => {
  it('loads all seven without a problem, in the chapter order, in both languages', () => {
    const { labs, problems } = loadLabs();
    expect(problems).toEqual([]);
    expect(labs.map((l) => l.id)).toEqual(['services', 'dns', 'nodeport', 'externalname', 'ingress', 'loadbalancer', 'netpol']);
    for (const l of labs) expect(summarize(l).languages).toEqual(['en', 'zh']);
  });
});

describe('a broken lab', () => {
  it('reports a YAML error with its line, and the other labs still load', () => {
    const dir = copyLabs();
    edit(dir, 'dns/lab.yaml', (t) => t.replace(/^order: 2$/m, 'order: [2'));
    const { labs, problems } = loadLabs(dir);
    expect(labs.map((l) => l.id)).not.toContain('dns');
    expect(labs).toHaveLength(6);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ lab: 'dns', file: 'dns/lab.yaml' });
    expect(problems[0]?.path).toMatch(/^line \d+, column \d+$/);
    expect(problems[0]?.reason).toMatch(/^YAML error/);
  });

  it('reports a syntax slip once, at its line, not as a cascade', () => {
    const dir = copyLabs();
    edit(dir, 'services/lab.yaml', (t) => t.replace(/^(\s+en: )(.*)$/m, '$1"$2'));
    const { problems } = loadLabs(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ lab: 'services', file: 'services/lab.yaml', path: expect.stringMatching(/^line \d+, column \d+$/) });
  });

  it('names the path of a schema error inside a step', () => {
    const dir = copyLabs();
    edit(dir, 'services/lab.yaml', (t) => t.replace('type: podsReady', 'type: podsReadyy'));
    const { problems } = loadLabs(dir);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatchObject({ lab: 'services', file: 'services/lab.yaml' });
    expect(problems[0]?.path).toMatch(/^steps\[\d+\]\.checks\[\d+\]/);
  });

  it('reports a missing step text, an unknown variable and an unpinned image, each precisely', () => {
    const dir = copyLabs();
    rmSync(join(dir, 'externalname/steps/01-create-externalname.zh.md'), { force: true });
    edit(dir, 'ingress/manifests/nginx-ingress.yaml', (t) => t.replace('{{ingressDashed}}', '{{ingressDotted}}'));
    edit(dir, 'services/manifests/nginx-frontend-deployment.yaml', (t) => t.replace(/image: \S+/, 'image: bitnami/nginx'));
    edit(dir, 'netpol/manifests/db-postgresql.yaml', (t) => t.replace(/image: postgres:\S+/, 'image: postgres:latest'));
    const { labs, problems } = loadLabs(dir);
    const byLab = Object.fromEntries(problems.map((p) => [p.lab, p]));
    expect(byLab.externalname?.reason).toMatch(/01-create-externalname\.zh\.md does not exist/);
    expect(byLab.externalname?.path).toMatch(/^steps\[0\]\.text\.zh$/);
    expect(byLab.ingress).toMatchObject({ file: 'ingress/manifests/nginx-ingress.yaml', reason: 'unknown variable {{ingressDotted}}' });
    expect(byLab.services?.reason).toMatch(/Bitnami/);
    expect(byLab.services?.path).toBe('spec.template.spec.containers[0].image');
    expect(byLab.netpol?.reason).toMatch(/pinned to a version tag \(not latest\)/);
    expect(labs.map((l) => l.id).sort()).toEqual(['dns', 'loadbalancer', 'nodeport']);
  });

  it('checks images typed in commands, and refuses a Chinese text that is a copy of the English one', () => {
    const dir = copyLabs();
    edit(dir, 'dns/lab.yaml', (t) => t.replace('--image nicolaka/netshoot:v0.15 -- dig +search +short mysql-web\n', '--image nicolaka/netshoot:latest -- dig +search +short mysql-web\n'));
    const en = readFileSync(join(dir, 'nodeport/steps/01-switch-to-nodeport.en.md'), 'utf8');
    writeFileSync(join(dir, 'nodeport/steps/01-switch-to-nodeport.zh.md'), en);
    const { labs, problems } = loadLabs(dir);
    expect(problems).toContainEqual({ lab: 'dns', file: 'dns/lab.yaml', path: expect.stringMatching(/^steps\[\d+\]\.actions\[\d+\]\.run$/), reason: 'image nicolaka/netshoot:latest must be pinned to a version tag (not latest)' });
    expect(problems).toContainEqual({ lab: 'nodeport', file: 'nodeport/steps/01-switch-to-nodeport.zh.md', path: '(file)', reason: 'the Chinese text is a copy of the English one; translate it' });
    expect(problems).toHaveLength(2);
    expect(labs.map((l) => l.id)).not.toContain('dns');
  });

  it('refuses a step with neither a check nor a reason, and a folder whose id differs', () => {
    const dir = copyLabs();
    edit(dir, 'dns/lab.yaml', (t) => t.replace(/^id: dns$/m, 'id: dnss'));
    const { problems } = loadLabs(dir);
    expect(problems).toContainEqual(expect.objectContaining({ lab: 'dns', path: 'id', reason: 'id "dnss" must equal the folder name "dns"' }));
  });
});

describe('manifestProblems', () => {
  it('accepts digests with tags and rejects untagged images', () => {
    const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
    expect(manifestProblems('x', 'x/m.yaml', pod('nginx:1.30.4-alpine@sha256:' + 'a'.repeat(64)))).toEqual([]);
    expect(manifestProblems('x', 'x/m.yaml', pod('nginx'))[0]?.reason).toMatch(/pinned/);
    expect(manifestProblems('x', 'x/m.yaml', 'kind: Pod\n')[0]?.reason).toBe('missing apiVersion');
  });
});

describe('formatPath', () => {
  it('writes zod paths the way lab authors read them', () => {
    expect(formatPath(['steps', 2, 'checks', 0, 'port'])).toBe('steps[2].checks[0].port');
    expect(formatPath([])).toBe('(top level)');
  });
});
