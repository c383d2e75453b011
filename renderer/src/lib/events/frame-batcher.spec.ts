import { describe, expect, it } from 'vitest';
import { createFrameBatcher } from './frame-batcher.ts';

describe('createFrameBatcher', () => {
  it('delivers everything pushed before a frame in one call, in order', () => {
    const frames: (() => void)[] = [];
    const delivered: number[][] = [];
    const b = createFrameBatcher<number>((items) => delivered.push(items), (f) => frames.push(f));
    for (let i = 0; i < 500; i++) b.push(i);
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toHaveLength(500);
    expect(delivered[0]?.[499]).toBe(499);
    b.push(7);
    expect(frames).toHaveLength(2);
    frames[1]?.();
    expect(delivered[1]).toEqual([7]);
  });
});
