import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { runCheck } from './registry.ts';
import { judgeSeries, settleThenHold, settleWithBackoff } from './settle.ts';

const slice = (addresses: string[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
  ports: [{ port: 80, protocol: 'TCP' }],
} as KubeObject);

const check = { id: 'three', type: 'endpoints' as const, namespace: 'default', service: 'web', addresses: 3, ports: [80] };

describe('settle window', () => {
  it('passes a check whose object catches up a moment later (watched, not polled)', async () => {
    const client = new FakeKubeClient([slice(['10.240.1.5'])]);
    const ctx = { ...checkContext(client), timeoutScale: 1 };
    setTimeout(() => void client.apply(slice(['10.240.1.5', '10.240.1.6', '10.240.1.7'])), 100);
    const t0 = Date.now();
    const r = await runCheck(check, ctx, true);
    expect(r.status).toBe('pass');
    expect(r.observed).toMatch(/3 ready address/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('still fails, with the last observation, when nothing changes within the window', async () => {
    const client = new FakeKubeClient([slice(['10.240.1.5'])]);
    const r = await runCheck(check, { ...checkContext(client), timeoutScale: 0.01 }, true);
    expect(r.status).toBe('fail');
    expect(r.observed).toMatch(/1 ready address/);
  });
});

describe('settle window for what cannot be watched (a command output)', () => {
  const signal = new AbortController().signal;

  it('runs again after a growing pause until the result passes', async () => {
    const at: number[] = [];
    const t0 = Date.now();
    let n = 0;
    const r = await settleWithBackoff(0, (v) => v >= 3, async () => (at.push(Date.now() - t0), ++n), { timeoutMs: 15_000, signal });
    expect(r).toBe(3);
    // 250 ms, then 500 ms more, then 1 s more: backed off, not a fixed-interval poll.
    expect(at[0]).toBeGreaterThanOrEqual(240);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThan((at[1] ?? 0) - (at[0] ?? 0));
  });

  it('does not run at all when the first result passes, and never waits past the window', async () => {
    let runs = 0;
    expect(await settleWithBackoff('ok', () => true, async () => (runs++, 'again'), { timeoutMs: 15_000, signal })).toBe('ok');
    const t0 = Date.now();
    expect(await settleWithBackoff('no', () => false, async () => (runs++, 'still no'), { timeoutMs: 150, signal })).toBe('no');
    expect(runs).toBe(0);
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await settleWithBackoff(0, () => false, async () => 1, { timeoutMs: 15_000, signal: ac.signal });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('settle then hold, for what should turn quiet and stay quiet', () => {
  const signal = new AbortController().signal;
  const quiet = (v: string) => v === 'quiet';
  const sequence = (...values: string[]) => {
    let i = 0;
    return async () => values[Math.min(i++, values.length - 1)] ?? 'quiet';
  };

  it('waits for the quiet, then runs again until it has held', async () => {
    const t0 = Date.now();
    const r = await settleThenHold('answer', quiet, sequence('answer', 'quiet', 'quiet', 'quiet', 'quiet'), { timeoutMs: 3000, holdMs: 600, signal });
    expect(r).toEqual({ value: 'quiet', phase: 'held' });
    // 250 + 500 ms to reach the quiet, then at least the 600 ms hold
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1300);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('even a first quiet result is run again at least once', async () => {
    let runs = 0;
    const r = await settleThenHold('quiet', quiet, async () => (runs++, 'quiet'), { timeoutMs: 1000, holdMs: 0, signal });
    expect(r.phase).toBe('held');
    expect(runs).toBe(1);
  });

  it('an answer during the hold breaks it, and is what it returns', async () => {
    const r = await settleThenHold('quiet', quiet, sequence('quiet', 'answer again'), { timeoutMs: 3000, holdMs: 1000, signal });
    expect(r).toEqual({ value: 'answer again', phase: 'broken' });
  });

  it('gives up within the window when the quiet never comes, keeping room for the hold', async () => {
    const t0 = Date.now();
    const r = await settleThenHold('answer', quiet, async () => 'answer', { timeoutMs: 1000, holdMs: 500, signal });
    expect(r).toEqual({ value: 'answer', phase: 'unsettled' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('judging a series a client made on its own schedule', () => {
  /** Tries as [start, end, quiet]. */
  const series = (...rows: [number, number, boolean][]) => rows.map(([startS, endS, quiet]) => ({ startS, endS, value: quiet }));
  const quiet = (q: boolean) => q;
  const opts = { windowS: 15, holdS: 3, ended: false };

  it('retry: the first passing one, or the last once the series has ended', () => {
    expect(judgeSeries(series([0, 0, false], [0.25, 0.25, true]), quiet, 'retry', opts)).toMatchObject({ phase: 'passed', index: 1, sinceS: 0.25 });
    expect(judgeSeries(series([0, 0, false]), quiet, 'retry', opts)).toEqual({ phase: 'pending' });
    expect(judgeSeries(series([0, 0, false], [0.25, 0.25, false]), quiet, 'retry', { ...opts, ended: true })).toMatchObject({ phase: 'unsettled', index: 1 });
  });

  it('hold: quiet, and still quiet at a try that starts a hold after the first quiet one ended', () => {
    const s = series([0, 0, false], [0.25, 0.25, true], [0.75, 0.75, true], [1.75, 1.75, true], [3.75, 3.75, true]);
    expect(judgeSeries(s.slice(0, 4), quiet, 'hold', opts)).toEqual({ phase: 'pending' });
    expect(judgeSeries(s, quiet, 'hold', opts)).toMatchObject({ phase: 'held', index: 4, sinceS: 0.25 });
  });

  it('hold: an answer within the hold breaks it; quiet that comes too late, or a series that ends too soon, does not hold', () => {
    expect(judgeSeries(series([0, 0, true], [0.25, 0.25, true], [0.75, 0.75, false]), quiet, 'hold', opts)).toMatchObject({ phase: 'broken', index: 2, sinceS: 0 });
    // first quiet at 13 s: less than the hold (3 s) left in the window of 15 s
    expect(judgeSeries(series([0, 0, false], [13, 13, true]), quiet, 'hold', opts)).toMatchObject({ phase: 'unsettled', index: 1 });
    expect(judgeSeries(series([0, 0, true], [0.25, 0.25, true]), quiet, 'hold', { ...opts, ended: true })).toMatchObject({ phase: 'short' });
  });
});
