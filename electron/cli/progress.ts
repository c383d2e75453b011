// Shows an operation's OpEvents in a terminal: on a TTY, the phase list with a progress bar
// redrawn in place; otherwise plain lines (one per phase change and per log line), which is what
// CI logs and SSH pipes want.
import stringWidth from 'string-width';
import type { Lang, OpEvent, PhaseInfo } from '../api.ts';
import { textIn } from '../shared/text.ts';

export interface ProgressSink {
  onEvent(e: OpEvent): void;
  close(): void;
}

const MARK: Record<PhaseInfo['state'], string> = { pending: '·', running: '▸', done: '✓', skipped: '↷', failed: '✗', cancelled: '■' };

export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

/**
 * Cuts a line to at most `cols` terminal columns. Widths, not string lengths: a Chinese character
 * takes two columns, and a line that wraps would throw off the cursor-up count of the redraw.
 */
function clipToWidth(s: string, cols: number): string {
  if (stringWidth(s) <= cols) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = stringWidth(ch);
    if (used + w > cols - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Pads (or cuts) to exactly `cols` terminal columns. */
function fitWidth(s: string, cols: number): string {
  const clipped = clipToWidth(s, cols);
  return clipped + ' '.repeat(Math.max(0, cols - stringWidth(clipped)));
}

function secs(ms?: number): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)}s`;
}

/** The words around the phases, in the learner's language (the engine's own words come as Text). */
const WORDS = {
  en: { phases: 'phases: ', sep: ': ', in: ' in ', state: { pending: 'pending', running: 'running', done: 'done', skipped: 'skipped', failed: 'failed', cancelled: 'cancelled' } },
  zh: { phases: '阶段：', sep: '：', in: '，用时 ', state: { pending: '等待中', running: '进行中', done: '完成', skipped: '已跳过', failed: '失败', cancelled: '已取消' } },
} as const;

/** Plain lines: no cursor movement, no repeated identical lines. */
export class PlainProgress implements ProgressSink {
  private lastMessage = new Map<string, string>();

  constructor(
    private readonly out: (line: string) => void,
    private readonly lang: Lang = 'en',
  ) {}

  onEvent(e: OpEvent): void {
    const w = WORDS[this.lang];
    const t = (text: PhaseInfo['message']) => textIn(text, this.lang);
    // The ids are the phases' names in English (and in --json); in Chinese their titles read better.
    if (e.type === 'started') this.out(`${w.phases}${e.phases.map((p) => (this.lang === 'en' ? p.id : t(p.title))).join(' → ')}`);
    if (e.type === 'phase') {
      const p = e.phase;
      if (p.state === 'running') {
        const msg = t(p.message);
        const key = `${Math.floor(p.fraction * 10)}|${msg}`;
        if (this.lastMessage.get(p.id) === key) return;
        const first = !this.lastMessage.has(p.id);
        this.lastMessage.set(p.id, key);
        this.out(first ? `▸ ${p.id}${w.sep}${t(p.title)}${msg ? ` — ${msg}` : ''}` : `  ${p.id} ${Math.round(p.fraction * 100)}%${msg ? ` ${msg}` : ''}`);
      } else if (p.state !== 'pending') {
        const msg = t(p.message);
        this.out(`${MARK[p.state]} ${p.id}${w.sep}${w.state[p.state]}${p.durationMs !== undefined ? `${w.in}${secs(p.durationMs)}` : ''}${msg ? ` — ${msg}` : ''}`);
      }
    }
    if (e.type === 'log') this.out(e.stream === 'warn' ? `⚠ ${t(e.line)}` : `  | ${t(e.line)}`);
  }

  close(): void {}
}

/** A live phase list on a TTY, redrawn at most every 80 ms so a busy log never floods the terminal. */
export class TtyProgress implements ProgressSink {
  private phases: PhaseInfo[] = [];
  private lastLog = new Map<string, string>();
  /** Warnings stay on screen under the phase list; the log lines only flash by. */
  private warnings: string[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly title: string,
    private readonly lang: Lang = 'en',
  ) {}

  onEvent(e: OpEvent): void {
    if (e.type === 'started' || e.type === 'finished') this.phases = e.phases.map((p) => ({ ...p }));
    if (e.type === 'phase') {
      const i = this.phases.findIndex((p) => p.id === e.phase.id);
      if (i >= 0) this.phases[i] = e.phase;
    }
    if (e.type === 'log' && e.stream === 'warn') this.warnings.push(textIn(e.line, this.lang));
    else if (e.type === 'log') this.lastLog.set(e.phaseId, textIn(e.line, this.lang));
    if (e.type === 'finished') {
      this.draw();
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, 80);
  }

  private draw(): void {
    const cols = Math.max(40, this.stream.columns ?? 80);
    const clip = (s: string) => clipToWidth(s, cols - 1);
    const lines = [`${this.title}  ${secs(Date.now() - this.started)}`];
    for (const p of this.phases) {
      const head = `${MARK[p.state]} ${textIn(p.title, this.lang)}`;
      if (p.state === 'running') {
        // The bar must survive a narrow terminal: shrink it, then the title column, never drop it.
        const barText = bar(p.fraction, cols < 64 ? 10 : 24);
        const headWidth = Math.max(8, Math.min(42, cols - barText.length - 2));
        lines.push(clip(`${fitWidth(head, headWidth)} ${barText}`));
        const detail = textIn(p.message, this.lang) || this.lastLog.get(p.id);
        if (detail) lines.push(clip(`    ${detail}`));
      } else {
        lines.push(clip(`${head}${p.durationMs !== undefined && p.state !== 'pending' ? `  ${secs(p.durationMs)}` : ''}${p.state === 'skipped' && p.message ? `  (${textIn(p.message, this.lang)})` : ''}`));
      }
    }
    for (const w of this.warnings) lines.push(clip(`⚠ ${w}`));
    let out = '';
    if (this.drawn > 0) out += `\x1b[${this.drawn}A`;
    for (const l of lines) out += `\x1b[2K${l}\n`;
    for (let i = lines.length; i < this.drawn; i++) out += '\x1b[2K\n';
    if (this.drawn > lines.length) out += `\x1b[${this.drawn - lines.length}A`;
    this.stream.write(out);
    this.drawn = lines.length;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.draw();
  }
}
