import { afterEach, describe, expect, it, vi } from 'vitest';
import { TIMED_OUT, fillLocalized, formatGB, formatGiB, grade, joinText, runningEngine, withTimeout } from './check.ts';
import { DAEMON_DOWN, fakeContext } from '../../../test/fakes/engine/doctor/fake-probes.ts';

describe('check helpers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('formats sizes the way users see them', () => {
    expect(formatGiB(6 * 2 ** 30)).toBe('6.0 GiB');
    expect(formatGB(14.96e9)).toBe('15.0 GB');
  });

  it('fills localized parameters per language', () => {
    const text = fillLocalized({ en: '{engine} has {n} CPUs', zh: '{engine} 有 {n} 个 CPU' }, { engine: { en: 'rootless Docker', zh: 'rootless 模式的 Docker' }, n: 4 });
    expect(text).toEqual({ en: 'rootless Docker has 4 CPUs', zh: 'rootless 模式的 Docker 有 4 个 CPU' });
  });

  it('grades a value against warn and fail floors', () => {
    expect([grade(2, 6, 3), grade(4, 6, 3), grade(6, 6, 3), grade(1, 2)]).toEqual(['fail', 'warn', 'ok', 'warn']);
  });

  it('joins texts language by language', () => {
    expect(joinText({ en: 'a', zh: '甲' }, { en: ' b', zh: '乙' })).toEqual({ en: 'a b', zh: '甲乙' });
  });

  it('bounds a promise in time and passes values and rejections through', async () => {
    vi.useFakeTimers();
    const pending = withTimeout(new Promise(() => {}), 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toBe(TIMED_OUT);
    vi.useRealTimers();
    expect(await withTimeout(Promise.resolve(7), 1000)).toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });

  it('hands out the engine only when it answered', async () => {
    expect(await runningEngine(fakeContext({ commands: DAEMON_DOWN }))).toBeNull();
    expect((await runningEngine(fakeContext()))?.info.ncpu).toBe(8);
  });
});
