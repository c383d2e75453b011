import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cachedCheckArgv,
  parseCachedOutput,
  storedPath,
  cacheEndpoint,
  cacheName,
  canonicalRef,
  hostPortOf,
  hostRef,
  hostsPath,
  hostsToml,
  orderUpstreams,
  parseRef,
  parseWriteOutput,
  registryEnv,
  runArgs,
  upstreamOf,
  writeHostsArgv,
} from './mirrors.ts';

describe('upstreamOf / parseRef', () => {
  it('gives Docker Hub to names without a registry, with library/ for official images', () => {
    expect(upstreamOf('busybox:1.37.0')).toBe('docker.io');
    expect(parseRef('busybox:1.37.0')).toEqual({ upstream: 'docker.io', path: 'library/busybox', tag: '1.37.0', digest: null });
    expect(parseRef('nicolaka/netshoot:v0.15')).toMatchObject({ upstream: 'docker.io', path: 'nicolaka/netshoot' });
    expect(parseRef('docker.io/library/traefik:v3.6.12')).toMatchObject({ upstream: 'docker.io', path: 'library/traefik', tag: 'v3.6.12' });
    expect(parseRef('docker.io/traefik:v3')).toMatchObject({ path: 'library/traefik' });
    expect(parseRef('index.docker.io/nginx')).toEqual({ upstream: 'docker.io', path: 'library/nginx', tag: 'latest', digest: null });
  });

  it('reads other registries, ports and digests', () => {
    expect(upstreamOf('quay.io/calico/node:v3.32.1')).toBe('quay.io');
    expect(upstreamOf('ghcr.io/a/b:1')).toBe('ghcr.io');
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseRef(`registry.k8s.io/ingress-nginx/controller:v1.15.1@${d}`)).toEqual({ upstream: 'registry.k8s.io', path: 'ingress-nginx/controller', tag: 'v1.15.1', digest: d });
    expect(parseRef(`localhost:5001/x@${d}`)).toEqual({ upstream: 'localhost:5001', path: 'x', tag: null, digest: d });
    expect(canonicalRef('postgres:17.11-alpine')).toBe('docker.io/library/postgres:17.11-alpine');
  });
});

describe('names and configuration', () => {
  it('names container, volume and endpoint after the upstream', () => {
    expect(cacheName('registry.k8s.io')).toBe('kindlab-cache-registry.k8s.io');
    expect(cacheName('localhost:5001')).toBe('kindlab-cache-localhost-5001');
    expect(cacheEndpoint('quay.io')).toBe('http://kindlab-cache-quay.io:5000');
  });

  it('keeps the known upstreams on fixed host ports and orders the rest by name', () => {
    expect(hostPortOf('docker.io')).toBe(5101);
    expect(hostPortOf('ghcr.io')).toBe(5104);
    expect(hostPortOf('zz.example', ['docker.io', 'aa.example', 'zz.example'])).toBe(5106);
    expect(orderUpstreams(['zz.example', 'quay.io', 'docker.io', 'aa.example'])).toEqual(['docker.io', 'quay.io', 'aa.example', 'zz.example']);
  });

  it('configures a pull-through proxy by environment only, and a plain registry in local mode', () => {
    expect(registryEnv('docker.io', 'proxy')).toMatchObject({ REGISTRY_PROXY_REMOTEURL: 'https://registry-1.docker.io', REGISTRY_PROXY_TTL: '0s', OTEL_TRACES_EXPORTER: 'none' });
    expect(registryEnv('quay.io', 'proxy').REGISTRY_PROXY_REMOTEURL).toBe('https://quay.io');
    expect(registryEnv('quay.io', 'local')).not.toHaveProperty('REGISTRY_PROXY_REMOTEURL');
    const args = runArgs('quay.io', 'local', 'registry:3.0.0', { hostPort: 5102, network: 'kind' });
    expect(args.join(' ')).toContain('run -d --name kindlab-cache-quay.io --restart unless-stopped --network kind');
    expect(args.join(' ')).toContain('-v kindlab-cache-quay.io:/var/lib/registry -p 127.0.0.1:5102:5000');
    expect(args.at(-1)).toBe('registry:3.0.0');
    expect(runArgs('quay.io', 'local', 'registry:3.0.0', { hostPort: 5102, network: null })).not.toContain('--network');
  });

  it('writes a hosts.toml that tries the cache and falls back to the registry', () => {
    const t = hostsToml('docker.io');
    expect(hostsPath('docker.io')).toBe('/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(t).toContain('server = "https://registry-1.docker.io"');
    expect(t).toContain('[host."http://kindlab-cache-docker.io:5000"]');
    expect(t).toContain('capabilities = ["pull", "resolve"]');
  });

  it('names an image by its cache host port', () => {
    expect(hostRef('busybox:1.37.0', 5101)).toBe('127.0.0.1:5101/library/busybox:1.37.0');
    expect(hostRef('quay.io/metallb/speaker:v0.16.1', 5102)).toBe('127.0.0.1:5102/metallb/speaker:v0.16.1');
  });
});

describe('writeHostsArgv', () => {
  // The script runs in `sh` inside the node; here it runs in the local sh on a temporary folder.
  const run = (path: string, content: string) => {
    const argv = writeHostsArgv('node', path);
    const shArgs = argv.slice(argv.indexOf('sh') + 1);
    return execFileSync('sh', shArgs, { input: content }).toString();
  };

  it('writes only when the content differs, and says which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
    const file = join(dir, 'certs.d', 'docker.io', 'hosts.toml');
    const text = hostsToml('docker.io');
    expect(parseWriteOutput(run(file, text))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(parseWriteOutput(run(file, text))).toBe(false);
    expect(parseWriteOutput(run(file, `${text}# changed\n`))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${text}# changed\n`);
    expect(parseWriteOutput('garbage')).toBeNull();
  });

  it('is a docker exec with the content on stdin', () => {
    expect(writeHostsArgv('cluster01-worker', '/etc/containerd/certs.d/quay.io/hosts.toml').slice(0, 5)).toEqual(['exec', '-i', 'cluster01-worker', 'sh', '-c']);
  });
});

describe('cachedCheckArgv', () => {
  it('asks the volume for the tag, or for the digest when pinned by one', () => {
    const d = `sha256:${'b'.repeat(64)}`;
    expect(storedPath('busybox:1.37.0')).toBe('library/busybox/_manifests/tags/1.37.0');
    expect(storedPath(`registry.k8s.io/x/y:v1@${d}`)).toBe(`x/y/_manifests/revisions/sha256/${'b'.repeat(64)}`);
    const argv = cachedCheckArgv('kindlab-cache-docker.io', ['busybox:1.37.0', 'nginx:1.30.4-alpine']);
    expect(argv.slice(0, 4)).toEqual(['exec', 'kindlab-cache-docker.io', 'sh', '-c']);
    expect([...parseCachedOutput('library/busybox/_manifests/tags/1.37.0\n', ['busybox:1.37.0', 'nginx:1.30.4-alpine'])]).toEqual(['busybox:1.37.0']);
  });
});
