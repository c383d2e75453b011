import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyStderr } from './hints.ts';

/** The waiting message of a recorded pod (test/fixtures/api) whose image cannot be pulled. */
function pullMessage(file: string): string {
  const pod = JSON.parse(readFileSync(fileURLToPath(new URL(`../../../test/fixtures/api/${file}`, import.meta.url)), 'utf8')) as {
    status: { containerStatuses: { state: { waiting: { message: string } } }[] };
  };
  return pod.status.containerStatuses[0]?.state.waiting.message ?? '';
}

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

  it('tells the two kinds of pull failure apart: a registry never reached, and one that has no such image', () => {
    // A real kubelet on a node without a way to Docker Hub (the real world's): DNS fails.
    const offline = pullMessage('pod-imagepullbackoff-offline.json');
    expect(offline).toContain('no such host');
    const reach = classifyStderr(offline);
    expect(reach?.code).toBe('image-pull');
    expect(reach?.hint.en).toMatch(/could not reach the image registry/);
    expect(reach?.hint.zh).toMatch(/无法连接镜像仓库/);
    // Docker Hub answering for the moved Bitnami tag: the registry was reached, so no network hint
    // (the checks name Bitnami's move instead, see checks/pod-trouble.ts).
    const moved = pullMessage('pod-imagepullbackoff.json');
    expect(moved).toMatch(/: not found$/);
    expect(classifyStderr(moved)).toBeNull();
    // A rate limit is a third kind, with its own hint.
    expect(classifyStderr('Back-off pulling image "postgres:17.11-alpine": ErrImagePull: toomanyrequests: You have reached your unauthenticated pull rate limit.')?.hint.en).toMatch(/rate-limited/);
  });

  it('does not take an unreachable API server for a pull failure', () => {
    expect(classifyStderr('Unable to connect to the server: dial tcp: lookup kind-control-plane on 127.0.0.53:53: no such host')).toBeNull();
  });

  it('reads kind\'s recorded failures on a cgroup v1 engine: its deprecation line names no cause by itself', () => {
    const kind = (file: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/kind/${file}`, import.meta.url)), 'utf8');
    // kubelet 1.35 refusing cgroup v1 (no failCgroupV1: false): kubeadm init fails.
    const refused = classifyStderr(kind('create-cluster-cgroup-v1.stderr'));
    expect(refused?.hint.en).toMatch(/refuses cgroup v1 unless the kind config sets failCgroupV1: false/);
    expect(refused?.hint.zh).toMatch(/failCgroupV1: false/);
    // Other failures on the same engine start with the same line and keep their own meaning.
    expect(classifyStderr(kind('create-cluster-exists.stderr'))?.code).toBe('cluster-exists');
    expect(classifyStderr(kind('create-cluster-port-in-use.stderr'))?.code).toBe('port-in-use');
    expect(classifyStderr(kind('create-cluster-no-default-cni.stderr'))).toBeNull();
    expect(classifyStderr(kind('create-cluster-daemon-down.stderr'))?.code).toBe('daemon-unreachable');
  });

  it('returns null for output it does not know', () => {
    expect(classifyStderr('something odd')).toBeNull();
  });
});
