// Failures are data (see Failure in electron/api.ts). Engine code throws KindlabError;
// hosts turn it into an Envelope, and anything else into an 'internal' failure. A failure's
// words are in both languages (i18n/text.ts): the host that shows it picks one.
import type { Failure } from '../api.ts';
import { both, toText } from './i18n/text.ts';

/** A failure's words in the contract's form: marked engine strings become both-language Text. */
function normalizeFailure(f: Failure): Failure {
  return {
    ...f,
    message: toText(f.message),
    hint: toText(f.hint),
    ...(f.appHint ? { appHint: toText(f.appHint) } : {}),
    ...(f.diagnostics ? { diagnostics: f.diagnostics.map(toText) } : {}),
  };
}

export class KindlabError extends Error {
  readonly failure: Failure;

  constructor(failure: Failure) {
    const normal = normalizeFailure(failure);
    super(typeof normal.message === 'string' ? normal.message : normal.message.en);
    this.name = 'KindlabError';
    this.failure = normal;
  }
}

/** What any thrown thing says, as an engine string (both languages for a KindlabError). */
export function errorText(err: unknown): string {
  if (err instanceof KindlabError) {
    const m = err.failure.message;
    return typeof m === 'string' ? m : both(m);
  }
  return err instanceof Error ? err.message : String(err);
}

/** Converts anything thrown into a Failure, keeping engine failures as they are. */
export function toFailure(err: unknown, phase?: string): Failure {
  if (err instanceof KindlabError) {
    return phase && !err.failure.phase ? { ...err.failure, phase } : err.failure;
  }
  const first = firstLine(err instanceof Error ? err.message : String(err));
  return {
    code: 'internal',
    message: first ? toText(first) : { en: 'unexpected error', zh: '意外错误' },
    hint: {
      en: 'This is a bug in kindlab. Run the command again with KINDLAB_DEBUG=1 and report the output.',
      zh: '这是 kindlab 的缺陷。请设置 KINDLAB_DEBUG=1 再运行一次该命令，并报告输出内容。',
    },
    ...(phase ? { phase } : {}),
  };
}

/** Whether the error is the operation's own cancellation. */
export function isCancellation(err: unknown): boolean {
  return err instanceof KindlabError && err.failure.code === 'cancelled';
}

export function cancelled(phase?: string): KindlabError {
  return new KindlabError({
    code: 'cancelled',
    message: { en: 'cancelled', zh: '已取消' },
    hint: { en: 'The operation was cancelled. Run it again to continue; finished stages are kept.', zh: '操作已取消，已完成的阶段会保留。再次运行即可继续。' },
    ...(phase ? { phase } : {}),
  });
}

/** Throws the cancellation error when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, phase?: string): void {
  if (signal?.aborted) throw cancelled(phase);
}

export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
}

/** The last `n` non-empty lines of a text. */
export function tail(text: string, n = 12): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-n);
}
