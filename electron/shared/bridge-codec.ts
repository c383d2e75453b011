// Carries a Failure across Electron's contextBridge. The bridge copies a thrown Error's message
// but drops its custom properties, so the preload puts the Failure into the message and the
// renderer's adapter reads it back. Pure and free of Node and Electron imports: the preload
// (sandboxed) and the renderer both bundle it.
import type { Failure } from '../api.ts';
import { isLocalized } from './text.ts';

const PREFIX = 'kindlab-failure:';

export function encodeFailure(failure: Failure): string {
  return PREFIX + JSON.stringify(failure);
}

/** The Failure inside an error message made by encodeFailure, or null for any other message. */
export function decodeFailure(message: string): Failure | null {
  // Electron prefixes rejected invoke() messages ("Error invoking remote method …: Error: …").
  const at = message.indexOf(PREFIX);
  if (at < 0) return null;
  try {
    const value = JSON.parse(message.slice(at + PREFIX.length)) as Partial<Failure>;
    // The message is Text: a plain string, or both languages.
    if (typeof value.code !== 'string' || (typeof value.message !== 'string' && !isLocalized(value.message))) return null;
    return { hint: '', ...value } as Failure;
  } catch {
    return null;
  }
}
