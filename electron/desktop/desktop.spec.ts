import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isExternalWebUrl, resolveAppFile } from './app-protocol.ts';
import { decodeFailure, encodeFailure } from '../shared/bridge-codec.ts';
import { CHANNELS, isChannel } from '../hosts/channels.ts';
import { isTrustedSender } from './ipc-bridge.ts';
import { loginShellCommand, readLoginShellPath } from './login-shell.ts';

// The session behind the bridge (envelopes, terminals and watches released) is tested in
// electron/hosts/session.spec.ts.
describe('ipc bridge', () => {
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
