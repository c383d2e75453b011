import { describe, expect, it } from 'vitest';
import type { OpEvent, PhaseInfo } from '../api.ts';
import { PlainProgress, TtyProgress, bar } from './progress.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'opId'> : never;

const phases = (states: Partial<Record<string, Partial<PhaseInfo>>> = {}): PhaseInfo[] =>
  ['cluster', 'calico'].map((id) => ({ id, title: id === 'cluster' ? 'Create the kind cluster' : 'Install Calico', state: 'pending', fraction: 0, ...states[id] }));

describe('bar', () => {
  it('fills in proportion and clamps', () => {
    expect(bar(0.5, 10)).toBe('[█████░░░░░]  50%');
    expect(bar(2, 4)).toBe('[████] 100%');
  });
});

describe('PlainProgress', () => {
  it('prints a line per phase change and per log line, without repeating itself', () => {
    const lines: string[] = [];
    const p = new PlainProgress((l) => lines.push(l));
    const ev = (e: WithoutId<OpEvent>) => p.onEvent({ opId: 'x', ...e } as OpEvent);
    ev({ type: 'started', kind: 'up', phases: phases() });
    ev({ type: 'phase', phase: { ...phases()[0]!, state: 'running', fraction: 0, message: 'starting' } });
    ev({ type: 'phase', phase: { ...phases()[0]!, state: 'running', fraction: 0.01, message: 'starting' } });
    ev({ type: 'log', phaseId: 'cluster', stream: 'stderr', line: ' ✓ Preparing nodes' });
    ev({ type: 'phase', phase: { ...phases()[0]!, state: 'done', fraction: 1, durationMs: 1500 } });
    expect(lines).toEqual(['phases: cluster → calico', '▸ cluster: Create the kind cluster — starting', '  |  ✓ Preparing nodes', '✓ cluster: done in 1.5s']);
  });
});

describe('TtyProgress', () => {
  it('redraws the phase list in place with a bar for the running phase', async () => {
    let out = '';
    const stream = { columns: 100, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
    const p = new TtyProgress(stream, 'kindlab up');
    p.onEvent({ opId: 'x', type: 'started', kind: 'up', phases: phases() });
    // Draws are batched (at most every 80 ms): let the first one happen.
    await new Promise((r) => setTimeout(r, 120));
    p.onEvent({ opId: 'x', type: 'phase', phase: { ...phases()[0]!, state: 'running', fraction: 0.5, message: 'Joining worker nodes' } });
    p.close();
    const last = out.split('\x1b[2K').slice(-4).join('');
    expect(last).toMatch(/▸ Create the kind cluster\s+\[█{12}░{12}\]  50%/);
    expect(last).toMatch(/Joining worker nodes/);
    expect(last).toMatch(/· Install Calico/);
    // Moves the cursor up over what it drew before, so the list stays in place.
    expect(out).toMatch(/\x1b\[\d+A/);
  });

  const ttyOn = (columns: number) => {
    const buf = { out: '' };
    const stream = { columns, write: (s: string) => ((buf.out += s), true) } as unknown as NodeJS.WriteStream;
    return { buf, p: new TtyProgress(stream, 'kindlab up') };
  };
  /** The screen after the last redraw: every line drawn since the last cursor-up. */
  const screen = (out: string) => (out.split(/\x1b\[\d+A/).at(-1) ?? '').split('\x1b[2K').map((l) => l.replace(/\n$/, '')).filter(Boolean);

  it('keeps the bar on a narrow terminal', () => {
    const { buf, p } = ttyOn(40);
    p.onEvent({ opId: 'x', type: 'started', kind: 'up', phases: phases({ cluster: { state: 'running', fraction: 0.3 } }) });
    p.close();
    const running = screen(buf.out).find((l) => l.startsWith('▸'));
    expect(running).toMatch(/\[█{3}░{7}\]  30%$/);
    for (const l of screen(buf.out)) expect(l.length).toBeLessThanOrEqual(39);
  });

  it('keeps preflight warnings on screen after their phase is done', () => {
    const { buf, p } = ttyOn(100);
    p.onEvent({ opId: 'x', type: 'started', kind: 'up', phases: phases({ cluster: { state: 'running', fraction: 0 } }) });
    p.onEvent({ opId: 'x', type: 'log', phaseId: 'cluster', stream: 'warn', line: 'inotify limits: max_user_instances is 128' });
    p.onEvent({ opId: 'x', type: 'log', phaseId: 'cluster', stream: 'stderr', line: 'Creating cluster' });
    p.onEvent({ opId: 'x', type: 'phase', phase: { ...phases()[0]!, state: 'done', fraction: 1, durationMs: 1000 } });
    p.close();
    expect(screen(buf.out)).toContain('⚠ inotify limits: max_user_instances is 128');
  });

  it('measures Chinese text in terminal columns, so no line wraps', async () => {
    const { buf, p } = ttyOn(60);
    const zh = (id: string, title: string): PhaseInfo => ({ id, title, state: 'running', fraction: 0.5 });
    p.onEvent({ opId: 'x', type: 'started', kind: 'up', phases: [zh('calico', '安装 Calico 网络插件并等待所有节点进入就绪状态')] });
    p.onEvent({ opId: 'x', type: 'log', phaseId: 'preflight', stream: 'warn', line: 'inotify 限额太低（max_user_watches 192536 < 524288）；Pod 可能因“打开的文件过多”而失败。请用 sysctl 提高限额。' });
    p.close();
    const { default: width } = await import('string-width');
    const lines = screen(buf.out);
    expect(lines.some((l) => l.includes('…'))).toBe(true);
    for (const l of lines) expect(width(l), l).toBeLessThanOrEqual(59);
    expect(lines.find((l) => l.startsWith('▸'))).toMatch(/\[█+░+\]  50%$/);
  });
});
