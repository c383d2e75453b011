import { describe, expect, it } from 'vitest';
import { hostAllowed, originAllowed, parseHost } from './access.ts';

const loopback = { listenHost: '127.0.0.1' };
const lan = { listenHost: '192.168.1.20' };
const everywhere = { listenHost: '0.0.0.0', interfaceAddresses: ['127.0.0.1', '::1', '192.168.1.20', 'fe80::1'] };

describe('Host header', () => {
  it.each(['localhost:41234', 'LOCALHOST:41234', '127.0.0.1:41234', '127.0.0.2:41234', '[::1]:41234', '[::ffff:127.0.0.1]:41234', 'localhost', 'localhost:8080'])('accepts the loopback name %s on any port (an SSH tunnel picks its own)', (host) => {
    expect(hostAllowed(host, loopback)).toBe(true);
  });

  it.each([undefined, '', 'evil.example:41234', 'localhost.evil.example', '127.0.0.1.nip.io:41234', 'user@localhost', 'localhost/x', '192.168.1.20:41234', '[::2]:1', 'local host'])('refuses %s on a loopback server (DNS rebinding, junk)', (host) => {
    expect(hostAllowed(host, loopback)).toBe(false);
  });

  it('accepts the --host LAN address and loopback, nothing else', () => {
    expect(hostAllowed('192.168.1.20:41234', lan)).toBe(true);
    expect(hostAllowed('localhost:41234', lan)).toBe(true);
    expect(hostAllowed('192.168.1.21:41234', lan)).toBe(false);
    expect(hostAllowed('server.lan:41234', lan)).toBe(false);
    expect(hostAllowed('server.lan:41234', { listenHost: 'server.lan' })).toBe(true);
  });

  it('listening on 0.0.0.0 accepts this machine’s interface addresses only', () => {
    expect(hostAllowed('192.168.1.20:41234', everywhere)).toBe(true);
    expect(hostAllowed('[fe80::1]:41234', everywhere)).toBe(true);
    expect(hostAllowed('10.0.0.9:41234', everywhere)).toBe(false);
    expect(hostAllowed('attacker.example', everywhere)).toBe(false);
  });

  it('takes a header apart', () => {
    expect(parseHost('[::1]:80')).toEqual({ hostname: '[::1]', host: '[::1]' });
    expect(parseHost('Localhost:8080')).toEqual({ hostname: 'localhost', host: 'localhost:8080' });
  });
});

describe('WebSocket Origin', () => {
  it.each([
    ['http://localhost:41234', 'localhost:41234'],
    ['http://127.0.0.1:41234', '127.0.0.1:41234'],
    ['http://[::1]:41234', '[::1]:41234'],
    // an SSH tunnel: the browser's page and Host are on the forwarded port
    ['http://localhost:8080', 'localhost:8080'],
    ['http://localhost', 'localhost:80'],
    ['https://localhost:8443', 'localhost:8443'],
  ])('accepts the page %s talking to Host %s', (origin, host) => {
    expect(originAllowed(origin, host, loopback)).toBe(true);
  });

  it.each([
    [undefined, 'localhost:41234'],
    ['null', 'localhost:41234'],
    ['http://evil.example', 'localhost:41234'],
    ['http://localhost:9999', 'localhost:41234'],
    ['http://127.0.0.1:41234', 'localhost:41234'],
    ['file://', 'localhost:41234'],
    ['http://evil.example:41234', 'evil.example:41234'],
    ['http://localhost:41234/path', 'localhost:41234'],
  ])('refuses Origin %s with Host %s', (origin, host) => {
    expect(originAllowed(origin, host, loopback)).toBe(false);
  });

  it('accepts the LAN page on a --host server', () => {
    expect(originAllowed('http://192.168.1.20:41234', '192.168.1.20:41234', lan)).toBe(true);
    expect(originAllowed('http://192.168.1.21:41234', '192.168.1.21:41234', lan)).toBe(false);
  });
});
