// Drives the real node-pty with a shell that prints far more than the high watermark, and
// checks that output stops while nothing is acknowledged and completes once it is.
import { DEFAULT_SETTINGS } from '../context.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../api.ts';
import { createContext } from '../context.ts';
import { DEFAULT_ENGINE_CONFIG } from '../env.ts';
import { HIGH_WATERMARK_CHARS } from '../../shared/terminal-flow.ts';
import { TerminalManager } from './manager.ts';

const FLOOD_CHARS = 600_000;
const settings = { ...DEFAULT_SETTINGS };

function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => (cond() ? resolve() : Date.now() > deadline ? reject(new Error(`timed out: ${what}`)) : setTimeout(tick, 20));
    tick();
  });
}

describe.skipIf(process.platform === 'win32')('terminal manager flow control', () => {
  let dir = '';
  let manager: TerminalManager | null = null;
  afterEach(() => {
    manager?.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pauses a flooding shell until the renderer acknowledges, then delivers everything', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kindlab-term-'));
    const ctx = createContext({ lang: 'en', env: { ...process.env, HOME: dir, SHELL: '/bin/sh', XDG_DATA_HOME: dir, PS1: '$ ' }, config: { ...DEFAULT_ENGINE_CONFIG, repairPath: false } });
    let received = '';
    let exited = false;
    manager = new TerminalManager(ctx, (e: EventEnvelope) => {
      if (e.event === 'terminal:data') received += e.payload.data;
      if (e.event === 'terminal:exit') exited = true;
    });
    const s = await manager.open({ cols: 80, rows: 24 }, settings);
    // The tty echoes the command line, so the marker is split by quotes there and whole only in the output.
    await manager.input(s.sessionId, `head -c ${FLOOD_CHARS} /dev/zero | tr '\\000' x; echo; echo FLOOD-"DONE"\n`);

    // Without acks the shell is paused: output settles a little above the high watermark.
    await until(() => received.length > HIGH_WATERMARK_CHARS, 'output past the high watermark');
    let last = -1;
    await until(() => {
      const settled = received.length === last;
      last = received.length;
      return settled;
    }, 'output to stop while unacknowledged');
    // Paused means stopped near the watermark: what was already in the pty's buffers, no more.
    expect(received.length).toBeLessThan(HIGH_WATERMARK_CHARS * 2);
    expect(received.includes('FLOOD-DONE'), 'the shell finished although nothing was acknowledged').toBe(false);

    // Acknowledging as a renderer would lets the rest through.
    let acked = 0;
    await until(() => {
      if (received.length > acked) {
        void manager?.ack(s.sessionId, received.length - acked);
        acked = received.length;
      }
      return received.includes('FLOOD-DONE');
    }, 'the command to finish once acknowledged', 60_000);
    expect(exited).toBe(false);
    expect((received.match(/x/g) ?? []).length).toBeGreaterThanOrEqual(FLOOD_CHARS);
  }, 90_000);

  it('ignores an ack for a session that is gone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kindlab-term-'));
    manager = new TerminalManager(createContext({ lang: 'en', env: { ...process.env, HOME: dir }, config: { ...DEFAULT_ENGINE_CONFIG, repairPath: false } }), () => undefined);
    await expect(manager.ack('no-such-session', 10)).resolves.toBeUndefined();
  });
});
