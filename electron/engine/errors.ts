// Failures are data (see Failure in electron/api.ts). Engine code throws KindlabError;
// hosts turn it into an Envelope, and anything else into an 'internal' failure.
import type { Failure, FailureCode, Lang } from '../api.ts';
import { pick } from './i18n/text.ts';

export class KindlabError extends Error {
  readonly failure: Failure;

  constructor(failure: Failure) {
    super(failure.message);
    this.name = 'KindlabError';
    this.failure = failure;
  }
}

export function fail(code: FailureCode, message: string, hint: string, extra: Partial<Failure> = {}): never {
  throw new KindlabError({ code, message, hint, ...extra });
}

export function isKindlabError(err: unknown): err is KindlabError {
  return err instanceof KindlabError;
}

/** Converts anything thrown into a Failure, keeping engine failures as they are. */
export function toFailure(err: unknown, phase?: string, lang: Lang = 'en'): Failure {
  if (err instanceof KindlabError) {
    return phase && !err.failure.phase ? { ...err.failure, phase } : err.failure;
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'internal',
    message: firstLine(message) || pick({ en: 'unexpected error', zh: '意外错误' }, lang),
    hint: pick(
      {
        en: 'This is a bug in kindlab. Run the command again with KINDLAB_DEBUG=1 and report the output.',
        zh: '这是 kindlab 的缺陷。请设置 KINDLAB_DEBUG=1 再运行一次该命令，并报告输出内容。',
      },
      lang,
    ),
    ...(phase ? { phase } : {}),
  };
}

/** Whether the error is the operation's own cancellation. */
export function isCancellation(err: unknown): boolean {
  return err instanceof KindlabError && err.failure.code === 'cancelled';
}

export function cancelled(phase?: string, lang: Lang = 'en'): KindlabError {
  return new KindlabError({
    code: 'cancelled',
    message: pick({ en: 'cancelled', zh: '已取消' }, lang),
    hint: pick({ en: 'The operation was cancelled. Run it again to continue; finished stages are kept.', zh: '操作已取消，已完成的阶段会保留。再次运行即可继续。' }, lang),
    ...(phase ? { phase } : {}),
  });
}

/** Throws the cancellation error when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, phase?: string, lang: Lang = 'en'): void {
  if (signal?.aborted) throw cancelled(phase, lang);
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
