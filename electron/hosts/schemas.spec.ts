import { describe, expect, it } from 'vitest';
import type { Channel } from '../api.ts';
import { CHANNELS } from './channels.ts';
import { SAMPLE_REQUESTS } from '../../test/fakes/engine/hosts/samples.ts';
import { REQUEST_SCHEMAS, checkRequest } from './schemas.ts';
import { textIn } from '../shared/text.ts';

describe('request schemas', () => {
  it('has one schema per channel, and each accepts a well-formed request', () => {
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual([...CHANNELS].sort());
    for (const channel of CHANNELS) expect(checkRequest(channel, SAMPLE_REQUESTS[channel]), channel).toEqual({ ok: true, req: SAMPLE_REQUESTS[channel] });
  });

  it.each<[Channel, unknown, RegExp]>([
    ['cluster:up', { settings: { cni: 'flannel' } }, /^malformed cluster:up request: settings\.cni: /],
    ['cluster:reset', { mode: 'sideways' }, /mode: /],
    ['cluster:reset', {}, /mode: /],
    ['terminal:input', { sessionId: 't1', data: 42 }, /data: /],
    ['terminal:resize', { sessionId: 't1', cols: 1.5, rows: 24 }, /cols: /],
    ['terminal:ack', { sessionId: 't1', chars: -1 }, /chars: /],
    ['terminal:open', { cols: 80, rows: 24, shell: '/bin/evil' }, /shell|Unrecognized key/i],
    ['watch:start', { watchId: 'w', target: { kind: 'secrets' } }, /target\.kind: /],
    ['lab:run', { id: 'x', step: 0 }, /step: /],
    ['lab:get', { id: 'x' }, /lang: /],
    ['op:cancel', null, /expected object/i],
    ['app:info', { anything: 1 }, /app:info/],
    ['doctor:run', JSON.parse('{"__proto__": {"polluted": true}}'), /Unrecognized key/i],
  ])('refuses %s %j, saying where', (channel, req, message) => {
    const r = checkRequest(channel, req);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.code).toBe('bad-input');
      expect(r.failure.message).toMatch(message);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a refusal short, however much is wrong', () => {
    const r = checkRequest('terminal:open', { cols: 'a', rows: 'b', ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(textIn(r.failure.message, 'en').length).toBeLessThanOrEqual(500);
  });
});
