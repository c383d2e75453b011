import { describe, expect, it } from 'vitest';
import type { OpEvent, PhaseInfo } from '../api/contract.ts';
import { visibleRange } from './log-window.ts';
import { applyOpEvents, attachRunning, currentMessage, formatClock, overallFraction, reduceOp } from './progress.ts';

const phase = (id: string, state: PhaseInfo['state'], fraction = 0, message?: string): PhaseInfo => ({ id, title: id, state, fraction, ...(message ? { message } : {}) });
const started: OpEvent = { opId: 'op1', type: 'started', kind: 'up', phases: [phase('preflight', 'pending'), phase('cluster', 'pending'), phase('calico', 'pending')] };

describe('op progress reducer', () => {
  it('follows phases from started to finished', () => {
    let v = reduceOp(undefined, started, 1000);
    expect(v.kind).toBe('up');
    expect(v.status).toBe('running');
    v = reduceOp(v, { opId: 'op1', type: 'phase', phase: phase('preflight', 'done', 1) }, 1100);
    v = reduceOp(v, { opId: 'op1', type: 'phase', phase: phase('cluster', 'running', 0.5, 'Starting control-plane') }, 1200);
    expect(v.phases.map((p) => p.state)).toEqual(['done', 'running', 'pending']);
    expect(overallFraction(v.phases)).toBeCloseTo(0.5);
    expect(currentMessage(v)).toBe('Starting control-plane');
    v = reduceOp(v, { opId: 'op1', type: 'finished', ok: true, durationMs: 4200, phases: [phase('preflight', 'done', 1), phase('cluster', 'done', 1), phase('calico', 'skipped', 1)] }, 5200);
    expect(v.status).toBe('done');
    expect(v.durationMs).toBe(4200);
    expect(overallFraction(v.phases)).toBe(1);
  });

  it('records a failure, and a cancel as cancelled', () => {
    const failure = { code: 'daemon-unreachable' as const, message: 'Docker does not answer', hint: 'Start Docker' };
    const failed = reduceOp(reduceOp(undefined, started, 0), { opId: 'op1', type: 'finished', ok: false, failure, durationMs: 10, phases: [phase('preflight', 'failed')] }, 10);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.hint).toBe('Start Docker');
    const cancelled = reduceOp(undefined, { opId: 'op1', type: 'finished', ok: false, failure: { code: 'cancelled', message: 'cancelled', hint: '' }, durationMs: 10, phases: [] }, 10);
    expect(cancelled.status).toBe('cancelled');
  });

  it('caps the log, counts every line, and shows the last line of a running phase', () => {
    const logs: OpEvent[] = Array.from({ length: 250 }, (_, i) => ({ opId: 'op1', type: 'log', phaseId: 'cluster', stream: 'stderr', line: `line ${i}` }));
    const views = applyOpEvents({}, [started, { opId: 'op1', type: 'phase', phase: phase('cluster', 'running', 0.1) }, ...logs], 0, 100);
    const v = views.op1;
    expect(v?.log).toHaveLength(100);
    expect(v?.logTotal).toBe(250);
    expect(v?.log[0]?.seq).toBe(150);
    expect(v && currentMessage(v)).toBe('line 249');
  });

  it('shares untouched views and does not mutate the input', () => {
    const before = applyOpEvents({}, [started, { ...started, opId: 'op2' }], 0);
    const after = applyOpEvents(before, [{ opId: 'op1', type: 'log', phaseId: 'cluster', stream: 'info', line: 'x' }], 1);
    expect(after.op2).toBe(before.op2);
    expect(before.op1?.log).toHaveLength(0);
    expect(after.op1?.log).toHaveLength(1);
  });

  it('creates a view for an operation joined midway', () => {
    const v = reduceOp(undefined, { opId: 'late', type: 'phase', phase: phase('calico', 'running', 0.3) }, 0);
    expect(v.kind).toBeNull();
    expect(v.phases).toHaveLength(1);
  });
});

describe('re-attaching after a reload (op:list)', () => {
  const phases = [
    { id: 'cluster', title: 'Create', state: 'done' as const, fraction: 1 },
    { id: 'cni', title: 'CNI', state: 'running' as const, fraction: 0.5 },
  ];
  it('draws an operation it had not heard of from the snapshot, log lines included', () => {
    const views = attachRunning({}, [{ opId: 'o', kind: 'up', phases, startedAt: 1000, log: [{ phaseId: 'cni', stream: 'info', line: 'waiting for calico-node' }] }], 5000);
    expect(views.o).toMatchObject({ kind: 'up', status: 'running', phases, startedAt: 1000, logTotal: 1, lastLine: { cni: 'waiting for calico-node' } });
  });
  it('keeps the newer phases of an operation heard midway, and learns its kind', () => {
    const midway = reduceOp(undefined, { opId: 'o', type: 'phase', phase: { id: 'cni', title: 'CNI', state: 'done', fraction: 1 } }, 10);
    const views = attachRunning({ o: midway }, [{ opId: 'o', kind: 'up', phases, startedAt: 1, log: [] }], 20);
    expect(views.o?.kind).toBe('up');
    expect(views.o?.phases.map((p) => [p.id, p.state])).toEqual([['cluster', 'done'], ['cni', 'done']]);
  });
});

describe('helpers', () => {
  it('formats a clock and windows a long log', () => {
    expect(formatClock(3_000)).toBe('0:03');
    expect(formatClock(75_000)).toBe('1:15');
    expect(formatClock(3_725_000)).toBe('1:02:05');
    expect(visibleRange(0, 200, 20, 10_000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(20_000, 200, 20, 10_000, 5)).toEqual({ start: 995, end: 1015 });
    expect(visibleRange(199_990, 200, 20, 10_000, 5)).toEqual({ start: 9994, end: 10_000 });
  });

  it('keeps warnings apart from the log, so the log cap never drops them', () => {
    let v = reduceOp(undefined, { opId: 'op1', type: 'log', phaseId: 'preflight', stream: 'warn', line: 'inotify: low limits' }, 1);
    for (let i = 0; i < 20; i++) v = reduceOp(v, { opId: 'op1', type: 'log', phaseId: 'cluster', stream: 'stderr', line: `line ${i}` }, 1, 5);
    expect(v.log).toHaveLength(5);
    expect(v.log.some((l) => l.stream === 'warn')).toBe(false);
    expect(v.warnings).toEqual(['inotify: low limits']);
  });
});
