import { describe, expect, it } from 'vitest';
import type { DoctorFinding } from '../../api.ts';
import { preflightFailure, warningLine } from './preflight.ts';

const kind: DoctorFinding = { id: 'kind', category: 'tools', status: 'fail', title: 'kind', finding: { en: 'kind is not installed', zh: '没有安装 kind' }, fix: { en: 'Install kind v0.33.0', zh: '请安装 kind v0.33.0' }, fixCommands: ['curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64'] };
const ports: DoctorFinding = { id: 'ports', category: 'host', status: 'fail', title: { en: 'Ports 80 and 443', zh: '端口 80 和 443' }, finding: { en: 'port 80 is taken by nginx', zh: '端口 80 被 nginx 占用' }, fix: { en: 'Stop nginx', zh: '请停止 nginx' } };

describe('preflightFailure', () => {
  it('carries every failing check with its own fix, not only the first', () => {
    const f = preflightFailure([kind, ports]);
    expect(f.findings?.map((x) => x.id)).toEqual(['kind', 'ports']);
    expect(f.message).toEqual({ en: '2 checks failed: kind, Ports 80 and 443', zh: '2 项检查未通过：kind、端口 80 和 443' });
    expect(f.code).toBe('tool-missing');
    expect(f.diagnostics).toBeUndefined();
  });

  it('names a single failure as before, its commands as diagnostics', () => {
    const f = preflightFailure([ports]);
    expect(f.code).toBe('port-in-use');
    expect(f.message).toEqual({ en: 'Ports 80 and 443: port 80 is taken by nginx', zh: '端口 80 和 443：端口 80 被 nginx 占用' });
    expect(f.hint).toEqual({ en: 'Stop nginx', zh: '请停止 nginx' });
    expect(preflightFailure([kind]).diagnostics).toEqual(['$ curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64']);
  });

  it('tells an old kind from a missing one', () => {
    expect(preflightFailure([{ ...kind, finding: { en: 'kind 0.20.0 is too old', zh: 'kind 0.20.0 太旧' } }]).code).toBe('tool-too-old');
  });
});

describe('warningLine', () => {
  it('names the check only when the finding does not', () => {
    const inotify: DoctorFinding = { id: 'inotify', category: 'host', status: 'warn', title: { en: 'inotify limits', zh: 'inotify 限制' }, finding: { en: 'inotify limits are low', zh: 'inotify 限制偏低' }, fix: { en: 'raise them', zh: '调高它们' } };
    expect(warningLine(inotify)).toEqual({ en: 'inotify limits are low — raise them', zh: 'inotify 限制偏低 — 调高它们' });
    expect(warningLine({ ...inotify, finding: { en: 'low', zh: '偏低' } })).toEqual({ en: 'inotify limits: low — raise them', zh: 'inotify 限制：偏低 — 调高它们' });
  });
});
