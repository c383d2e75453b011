// The negative control: a lab whose manifest is deliberately broken must fail this tier, with the
// API server's own message — proof that a passing run means the server accepted the real files.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import { textIn } from '../../electron/shared/text.ts';
import { loadLabs } from '../../electron/engine/labs/loader.ts';
import { createProbeRunner } from '../../electron/engine/labs/probes.ts';
import { runStep } from '../../electron/engine/labs/runner.ts';
import { MemoryRunState } from '../../electron/engine/labs/state.ts';
import { client, kubeconfig, labVars, tools, withTempDir } from './world.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('a lab with a broken manifest', () => {
  it('fails, and the failure carries the API server message', () => withTempDir('kl-broken-', async (dir) => {
    cpSync(join(REPO, 'labs', 'services'), join(dir, 'services'), { recursive: true });
    const file = join(dir, 'services', 'manifests', 'nginx-frontend-deployment.yaml');
    // A typo a learner makes: "replica" for "replicas".
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^(\s+)replicas: 3$/m, '$1replica: 3'));
    const { labs, problems } = loadLabs(dir);
    expect(problems).toEqual([]); // the lab format is fine; only the server can tell
    const lab = labs[0];
    if (!lab) throw new Error('the copied lab did not load');
    const c = client();
    const t = tools();
    const signal = new AbortController().signal;
    const r = await runStep(lab, 0, {
      client: c,
      tools: t,
      kubeconfig: kubeconfig(),
      vars: await labVars(),
      lang: 'en',
      signal,
      dataPlane: false,
      probes: createProbeRunner({ client: c, tools: t, images: DEFAULT_PINS.images, timeoutScale: 1, signal }),
      state: new MemoryRunState(),
      log: () => undefined,
      progress: () => undefined,
      timeoutScale: 1,
    });
    expect(r.status).toBe('fail');
    const failed = r.actions.find((a) => a.status === 'failed');
    expect(textIn(failed?.description, 'en')).toMatch(/nginx-frontend-deployment\.yaml/);
    expect(textIn(failed?.output, 'en')).toMatch(/\.spec\.replica: field not declared in schema|unknown field "spec\.replica"/);
    await c.delete('apps/v1', 'Deployment', 'nginx-frontend', 'default');
  }));
});
