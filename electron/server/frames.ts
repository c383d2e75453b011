// One WebSocket frame from a browser tab, taken apart before anything else looks at it: JSON,
// an object, a numeric id, a string channel. What the request itself must look like is the
// session's business (the per-channel schemas); this only makes sure there is something to
// answer, and an id to answer it under.
import type { Failure } from '../api.ts';

export type ClientFrame = { ok: true; id: number; channel: string; req: unknown } | { ok: false; id: number; failure: Failure };

/** The largest id a client may use: beyond it JSON numbers stop being exact. */
const MAX_ID = Number.MAX_SAFE_INTEGER;

const bad = (id: number, message: string): ClientFrame => ({ ok: false, id, failure: { code: 'bad-input', message, hint: 'The page and kindlab are out of step: reload the page.' } });

export function parseClientFrame(raw: unknown, isBinary = false): ClientFrame {
  if (isBinary) return bad(0, 'binary frames are not part of the protocol');
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : Array.isArray(raw) ? Buffer.concat(raw as Buffer[]).toString('utf8') : String(raw));
  } catch {
    return bad(0, 'a frame that is not JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return bad(0, 'a frame that is not a JSON object');
  const { id, channel, req } = msg as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_ID) return bad(0, 'a request without a valid id (a non-negative integer)');
  if (typeof channel !== 'string') return bad(id, 'a request without a channel');
  return { ok: true, id, channel, req };
}
