// Collects items and hands them over once per animation frame, so a burst of progress or log
// events costs one state update and one render instead of hundreds. In a hidden tab frames stop,
// so a timer takes over and the queue still drains.
export type Scheduler = (flush: () => void) => void;

const animationFrameScheduler: Scheduler = (flush) => {
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
  if (!hidden && typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 100);
};

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Hands over everything queued right now (tests, shutdown). */
  flushNow(): void;
}

export function createFrameBatcher<T>(deliver: (items: T[]) => void, schedule: Scheduler = animationFrameScheduler): FrameBatcher<T> {
  let queue: T[] = [];
  let scheduled = false;
  const flushNow = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    deliver(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(flushNow);
      }
    },
    flushNow,
  };
}
