// Flow control between a pty and the xterm that renders it. A command such as
// `kubectl get events -A -w` or `cat` of a large file can print faster than the window can
// draw; without back-pressure the bytes pile up in IPC or WebSocket buffers and the UI freezes.
// The renderer acknowledges characters once xterm has parsed them; the pty is paused while too
// many are unacknowledged and resumed once the renderer has caught up. The watermarks are the
// ones a widely used editor terminal settled on.
export const HIGH_WATERMARK_CHARS = 100_000;
export const LOW_WATERMARK_CHARS = 5_000;
/** The renderer acknowledges in batches of this size; it must not exceed the low watermark. */
export const ACK_BATCH_CHARS = 5_000;

export type FlowDecision = 'pause' | 'resume' | null;

/** Counts unacknowledged characters for one session and says when to pause or resume. */
export class FlowControl {
  private unacked = 0;
  private paused = false;

  constructor(
    private readonly high = HIGH_WATERMARK_CHARS,
    private readonly low = LOW_WATERMARK_CHARS,
  ) {}

  /** Characters were sent to the renderer. */
  sent(chars: number): FlowDecision {
    this.unacked += Math.max(0, chars);
    if (!this.paused && this.unacked > this.high) {
      this.paused = true;
      return 'pause';
    }
    return null;
  }

  /** The renderer has parsed this many characters. The count clamps at zero so a stray ack cannot bank credit. */
  acked(chars: number): FlowDecision {
    if (!Number.isFinite(chars) || chars <= 0) return null;
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.paused && this.unacked < this.low) {
      this.paused = false;
      return 'resume';
    }
    return null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get pending(): number {
    return this.unacked;
  }
}

/** Renderer side: adds up parsed characters and reports a batch once it reaches the ack size. */
export class AckBatcher {
  private count = 0;

  constructor(
    private readonly send: (chars: number) => void,
    private readonly batch = ACK_BATCH_CHARS,
  ) {}

  parsed(chars: number): void {
    this.count += chars;
    if (this.count >= this.batch) {
      const n = this.count;
      this.count = 0;
      this.send(n);
    }
  }
}
