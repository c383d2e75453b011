import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_CLUSTER_LINE, cmdGuard, installKubectlGuard } from './kubectl-guard.ts';

describe.skipIf(process.platform === 'win32')('the lab terminal’s kubectl before the cluster exists', () => {
  const root = mkdtempSync(join(tmpdir(), 'kindlab-guard-'));
  const real = join(root, 'real-kubectl');
  writeFileSync(real, '#!/bin/sh\necho "real kubectl: $*"\n');
  chmodSync(real, 0o755);
  const guard = join(installKubectlGuard(join(root, 'bin'), real, 'linux'), 'kubectl');
  const kubeconfig = join(root, 'kubeconfig');
  const run = (args: string[], env: Record<string, string> = {}) => spawnSync(guard, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', KUBECONFIG: kubeconfig, KINDLAB_KUBECONFIG: kubeconfig, ...env } });

  it('says in one line that there is no cluster yet, instead of kubectl’s localhost:8080 errors', () => {
    const r = run(['get', 'pods']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([NO_CLUSTER_LINE.en]);
    expect(run(['get', 'pods'], { KINDLAB_LANG: 'zh' }).stderr.trim()).toBe(NO_CLUSTER_LINE.zh);
  });

  it('lets through what needs no cluster', () => {
    expect(run(['version', '--client']).stdout.trim()).toBe('real kubectl: version --client');
    expect(run(['completion', 'bash']).status).toBe(0);
    expect(run(['get', 'pods', '--help']).status).toBe(0);
  });

  it('runs the real kubectl once the cluster is there, or when the learner points KUBECONFIG elsewhere', () => {
    expect(run(['get', 'pods'], { KUBECONFIG: join(root, 'mine') }).stdout.trim()).toBe('real kubectl: get pods');
    writeFileSync(kubeconfig, 'apiVersion: v1\n');
    expect(run(['get', 'pods', '-o', "name with 'quotes'"]).stdout.trim()).toBe("real kubectl: get pods -o name with 'quotes'");
  });

  it('has a Windows twin that finds the same cases', () => {
    const cmd = cmdGuard('C:\\tools\\kubectl.exe');
    expect(cmd).toContain('if exist "%KINDLAB_KUBECONFIG%" goto run');
    expect(cmd).toContain('"C:\\tools\\kubectl.exe" %*');
    expect(cmd).toContain(NO_CLUSTER_LINE.zh);
  });
});
