import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel, EventEnvelope, KindlabApi } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { APP_ORIGIN, isExternalWebUrl, resolveAppFile } from './app-protocol.ts';
import { decodeFailure, encodeFailure } from '../shared/bridge-codec.ts';
import { CHANNELS, isChannel } from '../hosts/channels.ts';
import { createIpcBridge, isTrustedSender } from './ipc-bridge.ts';
import { loginShellCommand, readLoginShellPath } from './login-shell.ts';

function fakeEngine(handler: (channel: Channel, req: unknown) => unknown): KindlabApi & { calls: [Channel, unknown][] } {
  const calls: [Channel, unknown][] = [];
  return {
    calls,
    invoke: (async (channel: Channel, req: unknown) => {
      calls.push([channel, req]);
      return handler(channel, req);
    }) as KindlabApi['invoke'],
    subscribe: (_l: (e: EventEnvelope) => void) => () => undefined,
  };
}

describe('ipc bridge', () => {
  it('answers with envelopes: results, engine failures as data, unknown channels refused', async () => {
    const engine = fakeEngine((channel) => {
      if (channel === 'cluster:up') throw new KindlabError({ code: 'port-in-use', message: 'port 80 is taken', hint: 'Stop the web server on port 80' });
      if (channel === 'doctor:run') throw new Error('boom');
      return { version: '0.1.0' };
    });
    const bridge = createIpcBridge(engine);
    expect(await bridge.invoke('app:info', undefined)).toEqual({ ok: true, result: { version: '0.1.0' } });
    expect(await bridge.invoke('cluster:up', {})).toEqual({ ok: false, failure: { code: 'port-in-use', message: 'port 80 is taken', hint: 'Stop the web server on port 80' } });
    expect(await bridge.invoke('doctor:run', {})).toMatchObject({ ok: false, failure: { code: 'internal', message: 'boom' } });
    expect(await bridge.invoke('shell:exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, failure: { code: 'bad-input' } });
    expect(engine.calls.map(([c]) => c)).toEqual(['app:info', 'cluster:up', 'doctor:run']);
  });

  it('closes the terminals and watches a window left open', async () => {
    const engine = fakeEngine((channel) => (channel === 'terminal:open' ? { sessionId: 't1', shell: '/bin/bash', kubeconfig: '/k' } : undefined));
    const bridge = createIpcBridge(engine);
    await bridge.invoke('terminal:open', { cols: 80, rows: 24 });
    await bridge.invoke('watch:start', { watchId: 'w1', target: { kind: 'pods' } });
    await bridge.invoke('watch:start', { watchId: 'w2', target: { kind: 'pods' } });
    await bridge.invoke('watch:stop', { watchId: 'w2' });
    engine.calls.length = 0;
    await bridge.releaseAll();
    expect(engine.calls).toEqual([
      ['terminal:close', { sessionId: 't1' }],
      ['watch:stop', { watchId: 'w1' }],
    ]);
  });

  it('trusts only the app page in its main frame', () => {
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, true, APP_ORIGIN)).toBe(true);
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, false, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', true, APP_ORIGIN)).toBe(false);
  });

  it('lists every channel exactly once', () => {
    expect(new Set(CHANNELS).size).toBe(CHANNELS.length);
    expect(isChannel('terminal:open')).toBe(true);
    expect(isChannel('__proto__')).toBe(false);
  });
});

describe('failure codec', () => {
  it('carries a Failure through an Error message, also behind Electron’s prefix', () => {
    const failure = { code: 'timeout' as const, message: 'Calico did not become ready', hint: 'Look at the calico-node pods', diagnostics: ['calico-node-x CrashLoopBackOff'] };
    const wrapped = `Error invoking remote method 'kindlab:invoke': Error: ${encodeFailure(failure)}`;
    expect(decodeFailure(wrapped)).toEqual(failure);
    expect(decodeFailure('plain error')).toBeNull();
    expect(decodeFailure('kindlab-failure:{not json')).toBeNull();
  });
});

describe('app protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-renderer-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');

  it('maps app URLs into the renderer folder and nowhere else', () => {
    expect(resolveAppFile(dir, 'kindlab://app/')).toBe(join(dir, 'index.html'));
    expect(resolveAppFile(dir, 'kindlab://app/assets/index.js')).toBe(join(dir, 'assets', 'index.js'));
    // the URL parser removes dot segments, so these stay inside the folder
    expect(resolveAppFile(dir, 'kindlab://app/../../etc/passwd')).toBe(join(dir, 'etc', 'passwd'));
    expect(resolveAppFile(dir, 'kindlab://app/%2e%2e/%2e%2e/etc/passwd')).toBe(join(dir, 'etc', 'passwd'));
    // encoded slashes survive the parser; decoded they would climb out
    expect(resolveAppFile(dir, 'kindlab://app/..%2f..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppFile(dir, 'kindlab://app/a%00b')).toBeNull();
    expect(resolveAppFile(dir, 'kindlab://other/index.html')).toBeNull();
    expect(resolveAppFile(dir, 'file:///etc/passwd')).toBeNull();
  });

  it('hands only web links to the system browser', () => {
    expect(isExternalWebUrl('https://kind.sigs.k8s.io/')).toBe(true);
    expect(isExternalWebUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalWebUrl('javascript:alert(1)')).toBe(false);
  });
});

describe('login shell PATH', () => {
  it('builds a marker-delimited command, fish included', () => {
    expect(loginShellCommand('/bin/zsh', 'M')).toEqual(['/bin/zsh', '-ilc', `printf '%s%s%s' 'M' "$PATH" 'M'`]);
    expect(loginShellCommand('/usr/bin/fish', 'M')[2]).toContain('string join : $PATH');
  });

  it.runIf(existsSync('/bin/bash'))('reads the PATH a real login shell sets, ignoring profile chatter', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kindlab-home-'));
    writeFileSync(join(home, '.bash_profile'), 'echo "welcome to this machine"\nexport PATH="/opt/kindlab-test/bin:$PATH"\n');
    const path = await readLoginShellPath({ env: { SHELL: '/bin/bash', HOME: home, PATH: '/usr/bin:/bin' }, platform: 'linux' });
    expect(path?.split(':')[0]).toBe('/opt/kindlab-test/bin');
    expect(path).not.toContain('welcome');
  });

  it('gives up quietly on Windows and without $SHELL', async () => {
    expect(await readLoginShellPath({ env: { SHELL: '/bin/bash' }, platform: 'win32' })).toBeUndefined();
    expect(await readLoginShellPath({ env: {}, platform: 'linux' })).toBeUndefined();
  });
});
