// Every failed request reaches the UI as an ApiFailure: an Error that carries the engine's
// Failure (code, message, hint, command, exit code, stderr tail, diagnostics) as data.
import type { Failure } from './contract.ts';

export class ApiFailure extends Error {
  constructor(readonly failure: Failure) {
    super(typeof failure.message === 'string' ? failure.message : failure.message.en);
    this.name = 'ApiFailure';
  }
}

/** The Failure behind anything a request threw; unknown errors become an 'internal' Failure. */
export function failureOf(err: unknown): Failure {
  if (err instanceof ApiFailure) return err.failure;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message, hint: '' };
}
