// The simulation's timed transitions must not stall when a timer fires a moment before
// Date.now() reaches its deadline (timers use a monotonic clock, Date.now() the wall clock).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimContext } from './context.ts';

describe('SimContext.after', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('wakes the loop again when a timer fired early', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let wall = 1_000;
    vi.spyOn(Date, 'now').mockImplementation(() => wall);
    const kicks: number[] = [];
    const ctx = new SimContext({} as never, {} as never, () => ({}) as never, () => ({}) as never, () => null, () => kicks.push(wall));

    expect(ctx.after('node-ready', 100)).toBe(false);
    // The timer fires, but the wall clock still reads 1 ms short of the deadline.
    wall = 1_099;
    vi.advanceTimersByTime(101);
    expect(kicks).toEqual([1_099]);
    expect(ctx.after('node-ready', 100)).toBe(false);
    // That early look must have left a wake-up behind, or the loop would sleep forever.
    wall = 1_101;
    vi.advanceTimersByTime(5);
    expect(kicks).toHaveLength(2);
    expect(ctx.after('node-ready', 100)).toBe(true);
  });

  it('is due at once for a zero delay, and forget() cancels a pending wake-up', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const kicks: string[] = [];
    const ctx = new SimContext({} as never, {} as never, () => ({}) as never, () => ({}) as never, () => null, () => kicks.push('kick'));
    expect(ctx.after('now', 0)).toBe(true);
    expect(ctx.after('later', 50)).toBe(false);
    ctx.forget('later');
    vi.advanceTimersByTime(100);
    expect(kicks).toEqual([]);
  });
});
