import { describe, expect, it } from 'vitest';
import { createProbeRunner, curlArgs, digArgs, splitCurlLog } from './probes.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { FakeTools } from '../../../test/fakes/engine/labs/fake-tools.ts';
import { TEST_IMAGES } from '../../../test/fakes/engine/labs/harness.ts';

const runner = (tools = new FakeTools(), lookup?: Parameters<typeof createProbeRunner>[0]['lookup']) =>
  createProbeRunner({ client: new FakeKubeClient(), tools, images: TEST_IMAGES, timeoutScale: 1, ...(lookup ? { lookup } : {}) });

describe('probes', () => {
  it('runs curl in a throwaway container on the kind network and classifies the exit code', async () => {
    const tools = new FakeTools(() => ({ exitCode: 28, stdout: '\n000', stderr: 'curl: (28) Connection timed out after 5001 milliseconds' }));
    const obs = await runner(tools).httpFromKindNetwork({ address: '172.18.200.100', port: 80, path: '/', timeoutS: 5 });
    expect(obs.outcome).toBe('timeout');
    const call = tools.calls[0];
    expect(call?.args.slice(0, 5)).toEqual(['run', '--rm', '--network', 'kind', 'curlimages/curl:8.22.0']);
    expect(call?.opts).toMatchObject({ allowFailure: true, timeoutMs: 125_000 });
  });

  it('runs dig in a throwaway netshoot container on the kind network, with the pod probe\'s arguments', async () => {
    const tools = new FakeTools(() => ({ exitCode: 9, stdout: ';; communications error to 172.18.200.101#53: timed out\n', stderr: ';; no servers could be reached\n' }));
    const obs = await runner(tools).dnsFromKindNetwork({ name: 'kubernetes.default.svc.cluster.local', server: '172.18.200.101', tcp: true, timeoutS: 3 });
    expect(obs.outcome).toBe('timeout');
    const call = tools.calls[0];
    expect(call?.args).toEqual(['run', '--rm', '--network', 'kind', 'nicolaka/netshoot:v0.15', 'dig', ...digArgs({ name: 'kubernetes.default.svc.cluster.local', server: '172.18.200.101', tcp: true, timeoutS: 3 }, false)]);
    expect(call?.args).toContain('+nosearch');
    expect(call?.args.slice(-2)).toEqual(['@172.18.200.101', '+tcp']);
    expect(call?.opts).toMatchObject({ allowFailure: true, timeoutMs: 126_000 });
  });

  it('sends the name as a Host header over HTTP and as SNI (curl --resolve) over HTTPS', () => {
    expect(curlArgs({ address: '172.18.0.3', port: 80, path: '/', host: 'webserver.127-0-0-1.nip.io', timeoutS: 5 }).slice(-3)).toEqual(['-H', 'Host: webserver.127-0-0-1.nip.io', 'http://172.18.0.3:80/']);
    expect(curlArgs({ address: '172.18.0.3', port: 443, path: '/', host: 'webserver.127-0-0-1.nip.io', timeoutS: 5 }).slice(-4)).toEqual([
      '-k',
      '--resolve',
      'webserver.127-0-0-1.nip.io:443:172.18.0.3',
      'https://webserver.127-0-0-1.nip.io:443/',
    ]);
    expect(curlArgs({ address: 'fc00::5', port: 443, path: '/x', timeoutS: 5 }).slice(-2)).toEqual(['-k', 'https://[fc00::5]:443/x']);
  });

  it('keeps curl error lines apart from the body in pod logs', () => {
    expect(splitCurlLog('curl: (7) Failed to connect\n\n000')).toEqual({ stdout: '\n000', stderr: 'curl: (7) Failed to connect' });
  });

  it('classifies host lookups and bounds them', async () => {
    const err = (code: string) => () => Promise.reject(Object.assign(new Error(code), { code }));
    expect((await runner(undefined, err('ENOTFOUND')).lookupHost('a.nip.io')).outcome).toBe('nxdomain');
    expect((await runner(undefined, err('ENODATA')).lookupHost('a.nip.io')).outcome).toBe('empty');
    expect((await runner(undefined, err('EAI_AGAIN')).lookupHost('a.nip.io')).outcome).toBe('timeout');
    expect((await runner(undefined, async () => []).lookupHost('a.nip.io')).outcome).toBe('empty');
    const hang = await runner(undefined, () => new Promise(() => undefined)).lookupHost('a.nip.io', 20);
    expect(hang.outcome).toBe('timeout');
  });

  it('reports a refused connection from the host', async () => {
    const obs = await runner().httpFromHost({ address: '127.0.0.1', port: 1, host: 'x', path: '/', timeoutS: 2 });
    expect(obs.outcome).toBe('refused');
  });
});

describe('curlArgs scheme', () => {
  it('uses https with SNI when the check asks for it on another port, and http when told so on 443', () => {
    expect(curlArgs({ address: '10.0.0.1', port: 8080, path: '/', host: 'a.example', scheme: 'https', timeoutS: 5 }).at(-1)).toBe('https://a.example:8080/');
    expect(curlArgs({ address: '10.0.0.1', port: 443, path: '/', scheme: 'http', timeoutS: 5 }).at(-1)).toBe('http://10.0.0.1:443/');
  });
});
