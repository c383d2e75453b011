// Which log lines a virtual list renders: only those in view plus a margin, so a log of
// thousands of lines costs a few dozen DOM nodes. Pure.
export function visibleRange(scrollTop: number, viewportHeight: number, lineHeight: number, total: number, overscan = 20): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / lineHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / lineHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** The list follows new lines only while the reader is at the bottom. */
export function isAtBottom(scrollTop: number, viewportHeight: number, scrollHeight: number, slack = 8): boolean {
  return scrollTop + viewportHeight >= scrollHeight - slack;
}
