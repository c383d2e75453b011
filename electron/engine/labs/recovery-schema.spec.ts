// The data-plane waits in the lab format: what `labs validate` accepts and refuses, and how
// describe and --dry-run show them.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { describeAction } from './describe.ts';
import { sayer } from './say.ts';
import { DEFAULT_LABS_DIR, loadLabs } from './loader.ts';
import { actionSchema, labSchema } from './schema.ts';
import { unexecutedStep } from './service.ts';
import { EXAMPLE_VARS } from './vars.ts';

function withNodeportLab(fn: (text: string) => string): ReturnType<typeof loadLabs> {
  const dir = mkdtempSync(join(tmpdir(), 'kl-labs-'));
  try {
    cpSync(DEFAULT_LABS_DIR, dir, { recursive: true });
    const p = join(dir, 'nodeport', 'lab.yaml');
    writeFileSync(p, fn(readFileSync(p, 'utf8')));
    return loadLabs(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('waitDataPlane and waitClusterDns in lab.yaml', () => {
  it('take defaults for their bounds', () => {
    expect(actionSchema.parse({ waitDataPlane: { node: 'worker' } })).toEqual({ waitDataPlane: { node: 'worker', timeoutSeconds: 300 } });
    expect(actionSchema.parse({ waitClusterDns: {} })).toEqual({ waitClusterDns: { timeoutSeconds: 240 } });
  });

  it('validate refuses an answer to expect without a node port, with the path and why', () => {
    const { problems } = withNodeportLab((t) => t.replace('          nodePort: {namespace: default, name: nginx-frontend, port: 80}\n', ''));
    expect(problems).toEqual([
      expect.objectContaining({ lab: 'nodeport', file: 'nodeport/lab.yaml', path: 'steps[5].actions[2].waitDataPlane.expectStatus', reason: 'expectStatus says what the node port must answer; it needs nodePort: {namespace, name, port}' }),
      expect.objectContaining({ path: 'steps[5].actions[2].waitDataPlane.expectBody' }),
    ]);
  });

  it('validate refuses a node that is not a role, and a bound over 900 s', () => {
    expect(withNodeportLab((t) => t.replace('          node: worker\n', '          node: cluster01-worker\n')).problems[0]).toMatchObject({ path: 'steps[5].actions[2].waitDataPlane.node' });
    expect(withNodeportLab((t) => t.replace('waitClusterDns: {timeoutSeconds: 240}', 'waitClusterDns: {timeoutSeconds: 1000}')).problems[0]).toMatchObject({ path: 'cleanup[3].waitClusterDns.timeoutSeconds' });
  });

  it('a cleanup may wait for DNS, and nothing else that is not a delete', () => {
    const lab = (cleanup: unknown[]) => labSchema.safeParse({ id: 'x', order: 1, title: { en: 'x', zh: 'x' }, summary: { en: 'x', zh: 'x' }, steps: [{ id: 'a', title: { en: 'a', zh: 'a' }, text: { en: 'a.en.md', zh: 'a.zh.md' }, noCheckReason: { en: 'n', zh: 'n' } }], cleanup });
    expect(lab([{ waitClusterDns: { timeoutSeconds: 60 } }]).success).toBe(true);
    expect(lab([{ waitDataPlane: { node: 'worker' } }]).success).toBe(false);
  });

  it('are described in both languages, and shown by a dry run', () => {
    const gate = actionSchema.parse({ waitDataPlane: { node: 'control-plane', nodePort: { namespace: 'default', name: 'web', port: 80 }, expectStatus: 204, timeoutSeconds: 60 } });
    expect(describeAction(gate, EXAMPLE_VARS, sayer('en'))).toEqual({
      kind: 'wait',
      description: "Wait until the data plane of the control-plane node is back: its kubelet has reported since the container started, kube-proxy and the CNI's pods run again, and the node port of default/web (port 80) on it answers HTTP 204 (at most 60 s)",
    });
    expect(describeAction(gate, EXAMPLE_VARS, sayer('zh')).description).toBe('等待 control-plane 节点的数据平面恢复：容器启动后 kubelet 已重新上报，kube-proxy 和 CNI 的 Pod 重新运行，并且其上 default/web（端口 80）的节点端口返回 HTTP 204（最多 60 秒）');
    expect(describeAction(actionSchema.parse({ waitClusterDns: { timeoutSeconds: 30 }, description: { en: 'DNS back', zh: 'DNS 恢复' } }), EXAMPLE_VARS, sayer('zh'))).toEqual({ kind: 'wait', description: 'DNS 恢复' });
    const nodeport = loadLabs().labs.find((l) => l.id === 'nodeport');
    if (!nodeport) throw new Error('no nodeport lab');
    const i = nodeport.spec.steps.findIndex((s) => s.id === 'start-worker');
    const dry = unexecutedStep(nodeport, i, EXAMPLE_VARS, 'en', 'dry run');
    expect(dry.actions.map((a) => textIn(a.description, 'en').split(':')[0])).toEqual([
      'Run docker start cluster01-worker',
      'Run kubectl wait node/cluster01-worker --for=condition=Ready --timeout=240s',
      'Wait until the data plane of the worker node is back',
      'Wait until Deployment default/nginx-frontend is available (at most 240 s)',
      'Run kubectl rollout status deployment/nginx-frontend --timeout=240s',
      'Wait until cluster DNS answers again',
    ]);
    expect(dry.actions.every((a) => a.status === 'skipped')).toBe(true);
  });
});
