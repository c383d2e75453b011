import { describe, expect, it } from 'vitest';
import { ACK_BATCH_CHARS, AckBatcher, FlowControl, HIGH_WATERMARK_CHARS, LOW_WATERMARK_CHARS } from './terminal-flow.ts';

describe('terminal flow control', () => {
  it('keeps the ack batch at or below the low watermark, or a paused terminal would never resume', () => {
    expect(ACK_BATCH_CHARS).toBeLessThanOrEqual(LOW_WATERMARK_CHARS);
    expect(LOW_WATERMARK_CHARS).toBeLessThan(HIGH_WATERMARK_CHARS);
  });

  it('pauses once above the high watermark, only once, and resumes below the low one', () => {
    const f = new FlowControl(100, 10);
    expect(f.sent(60)).toBeNull();
    expect(f.sent(60)).toBe('pause');
    expect(f.isPaused).toBe(true);
    expect(f.sent(50)).toBeNull(); // already paused: output still in flight is counted, no second pause
    expect(f.pending).toBe(170);
    expect(f.acked(100)).toBeNull(); // 70 left, still above the low watermark
    expect(f.acked(65)).toBe('resume');
    expect(f.isPaused).toBe(false);
    expect(f.acked(5)).toBeNull();
  });

  it('clamps at zero and ignores nonsense acks', () => {
    const f = new FlowControl(100, 10);
    f.sent(20);
    expect(f.acked(1_000)).toBeNull();
    expect(f.pending).toBe(0);
    expect(f.acked(Number.NaN)).toBeNull();
    expect(f.acked(-5)).toBeNull();
    expect(f.sent(101)).toBe('pause'); // no banked credit from the oversized ack
  });

  it('a renderer acking in batches brings a flooded session back', () => {
    const f = new FlowControl();
    const decisions: string[] = [];
    const batcher = new AckBatcher((n) => {
      const d = f.acked(n);
      if (d) decisions.push(d);
    });
    const chunk = 4_096;
    let sent = 0;
    while (!f.isPaused) {
      f.sent(chunk);
      sent += chunk;
    }
    decisions.push('pause');
    expect(sent).toBeGreaterThan(HIGH_WATERMARK_CHARS);
    for (let parsed = 0; parsed < sent; parsed += chunk) batcher.parsed(chunk);
    expect(decisions).toEqual(['pause', 'resume']);
    expect(f.pending).toBeLessThan(ACK_BATCH_CHARS);
  });

  it('the batcher reports only full batches', () => {
    const acks: number[] = [];
    const b = new AckBatcher((n) => acks.push(n), 10);
    b.parsed(4);
    b.parsed(4);
    expect(acks).toEqual([]);
    b.parsed(4);
    expect(acks).toEqual([12]);
  });
});
