import { describe, expect, it } from 'vitest';
import { classifyStderr } from './hints.ts';

describe('classifyStderr', () => {
  it('recognises a stopped daemon on Linux and on Docker Desktop', () => {
    expect(classifyStderr('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?')?.code).toBe('daemon-unreachable');
    expect(
      classifyStderr('error during connect: Get "http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.47/version": open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified.')?.code,
    ).toBe('daemon-unreachable');
  });

  it('tells a permission problem from a stopped daemon', () => {
    const c = classifyStderr('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock');
    expect(c?.hint.en).toMatch(/usermod/);
    expect(c?.hint.zh).toMatch(/usermod/);
  });

  it('recognises a taken port in kind and Docker Desktop wording', () => {
    expect(classifyStderr('Bind for 127.0.0.1:80 failed: port is already allocated')?.code).toBe('port-in-use');
    expect(classifyStderr('Ports are not available: exposing port TCP 127.0.0.1:80 -> 0.0.0.0:0: listen tcp 127.0.0.1:80: bind: An attempt was made to access a socket in a way forbidden by its access permissions.')?.code).toBe('port-in-use');
  });

  it('recognises an existing cluster and webhook races', () => {
    expect(classifyStderr('ERROR: failed to create cluster: node(s) already exist for a cluster with the name "cluster01"')?.code).toBe('cluster-exists');
    expect(classifyStderr('Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io"')?.code).toBe('webhook-not-ready');
  });

  it('returns null for output it does not know', () => {
    expect(classifyStderr('something odd')).toBeNull();
  });
});
