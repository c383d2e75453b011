import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as fx from '../../../test/fakes/engine/doctor/fixtures.ts';
import { parsePublishedPorts } from './port-holder.ts';
import {
  classifyEngine,
  compareVersions,
  errorLine,
  isOlder,
  parseDockerContext,
  parseDockerInfo,
  parseDockerVersion,
  parseKindClusters,
  parseKindContainers,
  parseKindVersion,
  parseKubectlClientVersion,
  parseLsofProcesses,
  parseNetstatListeners,
  parseProcNetTcp,
  parseSsListeners,
  parseTasklistCsv,
  parseVersion,
} from './parse.ts';

const info = (text: string) => {
  const parsed = parseDockerInfo(text);
  if (!parsed) throw new Error('fixture did not parse');
  return parsed;
};

describe('versions', () => {
  it('reads plain, v-prefixed, vendor-suffixed and two-part versions', () => {
    expect(parseVersion('v1.32.4-dispatcher')).toEqual({ major: 1, minor: 32, patch: 4, pre: 'dispatcher' });
    expect(parseVersion('0.33.0')).toEqual({ major: 0, minor: 33, patch: 0, pre: null });
    expect(parseVersion('1.35')).toEqual({ major: 1, minor: 35, patch: 0, pre: null });
    expect(parseVersion('nothing here')).toBeNull();
  });

  it('orders versions numerically, pre-releases before their release', () => {
    const v = (s: string) => parseVersion(s) ?? { major: -1, minor: 0, patch: 0, pre: null };
    expect(compareVersions(v('0.9.0'), v('0.31.0'))).toBe(-1);
    expect(compareVersions(v('0.33.0'), v('0.33.0'))).toBe(0);
    expect(compareVersions(v('0.34.0-alpha'), v('0.34.0'))).toBe(-1);
    expect(compareVersions(v('1.10.0'), v('1.9.9'))).toBe(1);
    expect(isOlder('0.30.0', '0.31.0')).toBe(true);
    expect(isOlder('0.31.0', '0.31.0')).toBe(false);
    expect(isOlder('garbage', '0.31.0')).toBe(false);
  });

  it('reads kind version lines, including pre-releases', () => {
    expect(parseKindVersion(fx.KIND_VERSION)).toBe('0.33.0');
    expect(parseKindVersion('kind v0.34.0-alpha.12+0a1b2c3d go1.25.5 darwin/arm64')).toBe('0.34.0-alpha.12');
    expect(parseKindVersion('kind: command not found')).toBeNull();
  });

  it('reads kubectl client JSON, trusting gitVersion over a "32+" minor', () => {
    expect(parseKubectlClientVersion(fx.kubectlClientJson('v1.32.4-dispatcher', '32+'))).toEqual({ gitVersion: 'v1.32.4-dispatcher', major: 1, minor: 32 });
    expect(parseKubectlClientVersion(fx.kubectlClientJson('v1.35.8', '35'))?.minor).toBe(35);
    expect(parseKubectlClientVersion('Client Version: v1.34.2\nKustomize Version: v5.7.1\n')?.minor).toBe(34);
    expect(parseKubectlClientVersion('error: unknown flag: --client')).toBeNull();
  });
});

describe('docker output', () => {
  it('sees a down daemon in `docker version` and picks the real error line', () => {
    const v = parseDockerVersion(fx.DOCKER_VERSION_DOWN);
    expect(v).toEqual({ clientVersion: '28.2.2', serverVersion: null, serverProduct: null, context: 'default' });
    expect(errorLine('WARNING: Error loading config file: /root/.docker/config.json\n' + fx.DAEMON_DOWN_STDERR)).toBe(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    );
  });

  it('names the server product, Podman included', () => {
    expect(parseDockerVersion(fx.dockerVersionJson({ version: '28.2.2', product: 'Docker Engine - Community' }))?.serverProduct).toBe('Docker Engine - Community');
    expect(parseDockerVersion(fx.dockerVersionJson({ version: '5.3.1', product: 'linux/amd64/fedora-41', podman: true }))?.serverProduct).toBe('Podman Engine');
    expect(parseDockerVersion('not json')).toBeNull();
  });

  it('reads docker info fields the checks need', () => {
    expect(info(fx.dockerInfoJson())).toMatchObject({
      serverVersion: '28.2.2',
      operatingSystem: 'Ubuntu 24.04.2 LTS',
      osType: 'linux',
      cgroupVersion: '2',
      memTotal: 16_654_966_784,
      ncpu: 8,
      dockerRootDir: '/var/lib/docker',
      podman: false,
      rootless: false,
    });
  });

  it('turns the zeros of a stopped daemon into unknowns and keeps ServerErrors', () => {
    const down = info(JSON.stringify({ ServerVersion: '', MemTotal: 0, NCPU: 0, ServerErrors: ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'] }));
    expect(down.memTotal).toBeNull();
    expect(down.ncpu).toBeNull();
    expect(down.serverErrors).toHaveLength(1);
  });

  it('recognises rootless mode and Podman in both of its shapes', () => {
    expect(info(fx.dockerInfoJson({ SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'] })).rootless).toBe(true);
    expect(info(fx.PODMAN_COMPAT_INFO).podman).toBe(true);
    const native = info(fx.PODMAN_NATIVE_INFO);
    expect(native).toMatchObject({ podman: true, rootless: true, cgroupVersion: '2', ncpu: 4, dockerRootDir: '/home/lee/.local/share/containers/storage' });
  });

  it('reads the current context endpoint', () => {
    expect(parseDockerContext(fx.dockerContextJson('desktop-linux', 'unix:///Users/lee/.docker/run/docker.sock'))).toEqual({
      name: 'desktop-linux',
      host: 'unix:///Users/lee/.docker/run/docker.sock',
    });
    expect(parseDockerContext('')).toBeNull();
  });

  it('reads kind node containers from docker lines and from a podman array', () => {
    const lines = fx.kindContainerLines([
      { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane' },
      { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker', state: 'exited' },
    ]);
    expect(parseKindContainers(lines)).toEqual([
      { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane', state: 'running' },
      { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker', state: 'exited' },
    ]);
    const podman = JSON.stringify([{ Names: ['kind-control-plane'], Labels: { 'io.x-k8s.kind.cluster': 'kind', 'io.x-k8s.kind.role': 'control-plane' }, State: 'running' }]);
    expect(parseKindContainers(podman)).toEqual([{ name: 'kind-control-plane', cluster: 'kind', role: 'control-plane', state: 'running' }]);
    expect(parseKindContainers('')).toEqual([]);
  });

  it('lists kind clusters and ignores the "none found" line', () => {
    expect(parseKindClusters('cluster01\ncluster012\n')).toEqual(['cluster01', 'cluster012']);
    expect(parseKindClusters(fx.NO_KIND_CLUSTERS_STDERR)).toEqual([]);
  });
});

describe('classifyEngine', () => {
  it('routes LoadBalancer IPs only for rootful Docker Engine on native Linux', () => {
    const engine = classifyEngine(info(fx.dockerInfoJson()), 'unix:///var/run/docker.sock', {}, false, 'linux');
    expect(engine).toEqual({ engine: 'docker-engine', lbRoutableFromHost: true, sharesHostKernel: true });
    expect(classifyEngine(info(fx.dockerInfoJson()), 'unix:///var/run/docker.sock', {}, true, 'linux')).toMatchObject({ engine: 'docker-engine', lbRoutableFromHost: false });
  });

  it('recognises Docker Desktop on macOS, Windows and inside WSL', () => {
    const dd = info(fx.DOCKER_DESKTOP_INFO);
    for (const [host, platform, wsl] of [
      ['unix:///Users/lee/.docker/run/docker.sock', 'darwin', false],
      ['npipe:////./pipe/dockerDesktopLinuxEngine', 'win32', false],
      ['unix:///var/run/docker.sock', 'linux', true],
    ] as const) {
      expect(classifyEngine(dd, host, {}, wsl, platform)).toEqual({ engine: 'docker-desktop', lbRoutableFromHost: false, sharesHostKernel: false });
    }
    // Even with the daemon down the context endpoint gives Desktop away.
    expect(classifyEngine(null, 'npipe:////./pipe/dockerDesktopLinuxEngine', {}, false, 'win32').engine).toBe('docker-desktop');
  });

  it('recognises Podman: a VM on macOS, the host kernel on Linux', () => {
    const podman = info(fx.PODMAN_COMPAT_INFO);
    expect(classifyEngine(podman, 'unix:///var/folders/x/podman/podman-machine-default-api.sock', {}, false, 'darwin')).toEqual({
      engine: 'podman',
      lbRoutableFromHost: false,
      sharesHostKernel: false,
    });
    expect(classifyEngine(podman, 'unix:///run/podman/podman.sock', {}, false, 'linux')).toMatchObject({ engine: 'podman', sharesHostKernel: true, lbRoutableFromHost: false });
    expect(classifyEngine(null, null, { KIND_EXPERIMENTAL_PROVIDER: 'podman' }, false, 'linux').engine).toBe('podman');
  });

  it('recognises Colima, OrbStack, Rancher Desktop and rootless Docker', () => {
    const ubuntu = info(fx.dockerInfoJson({ Name: 'colima' }));
    expect(classifyEngine(ubuntu, 'unix:///Users/lee/.colima/default/docker.sock', {}, false, 'darwin').engine).toBe('colima');
    expect(classifyEngine(info(fx.dockerInfoJson({ OperatingSystem: 'OrbStack', Name: 'orbstack' })), 'unix:///Users/lee/.orbstack/run/docker.sock', {}, false, 'darwin').engine).toBe(
      'orbstack',
    );
    expect(classifyEngine(info(fx.dockerInfoJson({ Name: 'lima-rancher-desktop' })), 'unix:///Users/lee/.rd/docker.sock', {}, false, 'darwin').engine).toBe('rancher-desktop');
    const rootless = classifyEngine(info(fx.dockerInfoJson({ SecurityOptions: ['name=rootless'] })), 'unix:///run/user/1000/docker.sock', {}, false, 'linux');
    expect(rootless).toEqual({ engine: 'rootless-docker', lbRoutableFromHost: false, sharesHostKernel: true });
  });

  it('does not call a remote engine native, and lets DOCKER_HOST override the context', () => {
    expect(classifyEngine(info(fx.dockerInfoJson()), 'ssh://lee@buildbox', {}, false, 'linux')).toMatchObject({ engine: 'unknown', lbRoutableFromHost: false });
    expect(classifyEngine(info(fx.dockerInfoJson()), 'unix:///var/run/docker.sock', { DOCKER_HOST: 'tcp://10.0.0.5:2376' }, false, 'linux').engine).toBe('unknown');
  });
});

describe('socket tables', () => {
  it('reads LISTEN rows of /proc/net/tcp and tcp6, skipping other states', () => {
    expect(parseProcNetTcp(fx.PROC_NET_TCP)).toEqual([
      { address: '0.0.0.0', port: 80 },
      { address: '0.0.0.0', port: 22 },
      { address: '127.0.0.53', port: 53 },
    ]);
    expect(parseProcNetTcp(fx.PROC_NET_TCP6)).toEqual([
      { address: '::', port: 443 },
      { address: '::1', port: 631 },
    ]);
  });

  it('reads ss listeners with and without the process column', () => {
    const rows = parseSsListeners(fx.SS_NGINX);
    expect(rows[0]).toEqual({ address: '0.0.0.0', port: 80, processes: [{ name: 'nginx', pid: 1234 }, { name: 'nginx', pid: 1235 }] });
    expect(rows[1]?.address).toBe('::');
    expect(parseSsListeners(fx.SS_NO_PROCESS)).toEqual([{ address: '0.0.0.0', port: 80, processes: [] }]);
  });

  it('reads lsof -F records', () => {
    expect(parseLsofProcesses(fx.LSOF_HTTPD)).toEqual([
      { pid: 412, name: 'httpd' },
      { pid: 530, name: 'httpd' },
    ]);
  });

  it('reads Windows netstat listeners by their foreign address, and tasklist CSV', () => {
    expect(parseNetstatListeners(fx.NETSTAT_IIS)).toEqual([
      { address: '0.0.0.0', port: 80, pid: 4 },
      { address: '0.0.0.0', port: 135, pid: 1016 },
      { address: '::', port: 80, pid: 4 },
    ]);
    const german = '  TCP    0.0.0.0:80             0.0.0.0:0              ABHÖREN         4\r\n';
    expect(parseNetstatListeners(german)).toEqual([{ address: '0.0.0.0', port: 80, pid: 4 }]);
    expect(parseTasklistCsv(fx.TASKLIST_SYSTEM)).toEqual({ name: 'System', pid: 4 });
    expect(parseTasklistCsv(fx.TASKLIST_NONE)).toBeNull();
  });
});

/** What the real Docker 20.10 engine of scripts/realworld printed (test/fixtures/docker/README.md). */
const recordedDocker = (file: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/docker/${file}`, import.meta.url)), 'utf8');

describe('a real Docker 20.10 engine from Debian (recorded)', () => {
  it('reads `docker version`: the CLI 28.2.2 talks to engine 20.10.24+dfsg1, whose Debian build names no product', () => {
    expect(parseDockerVersion(recordedDocker('version.json'))).toEqual({ clientVersion: '28.2.2', serverVersion: '20.10.24+dfsg1', serverProduct: null, context: 'default' });
    expect(isOlder('20.10.24+dfsg1', '20.10.0')).toBe(false);
  });

  it('reads `docker info` of a cgroup v1 host, and classifies it as a Docker Engine on Linux', () => {
    const real = info(recordedDocker('info.json'));
    expect(real).toMatchObject({ serverVersion: '20.10.24+dfsg1', osType: 'linux', cgroupVersion: '1', ncpu: 2, podman: false, rootless: false, serverErrors: [], securityOptions: ['name=seccomp,profile=default'] });
    expect(real.memTotal).toBeGreaterThan(0);
    expect(classifyEngine(real, 'unix:///var/run/docker.sock', {}, false, 'linux')).toEqual({ engine: 'docker-engine', lbRoutableFromHost: true, sharesHostKernel: true });
  });

  it('with no daemon, the CLI exits 1 and prints an empty `docker info` and `"Server": null`: no version, no numbers', () => {
    const down = info(recordedDocker('info-daemon-down.json'));
    expect(down).toMatchObject({ serverVersion: null, osType: '', cgroupVersion: null, memTotal: null, ncpu: null, securityOptions: [], serverErrors: [] });
    expect(parseDockerVersion(recordedDocker('version-daemon-down.json'))).toMatchObject({ clientVersion: '28.2.2', serverVersion: null });
    expect(errorLine(recordedDocker('version-daemon-down.stderr'))).toBe('Cannot connect to the Docker daemon at unix:///tmp/nope.sock. Is the docker daemon running?');
  });

  it('reads the kind nodes and their published ports from `docker ps --format {{json .}}`, image labels and all', () => {
    const ps = recordedDocker('ps-kind.jsonl');
    expect(parseKindContainers(ps)).toEqual([
      { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker', state: 'running' },
      { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane', state: 'running' },
    ]);
    expect(parsePublishedPorts(ps)).toEqual([
      { container: 'cluster01-worker', cluster: 'cluster01', address: '127.0.0.1', hostPort: 80 },
      { container: 'cluster01-worker', cluster: 'cluster01', address: '127.0.0.1', hostPort: 443 },
      { container: 'cluster01-control-plane', cluster: 'cluster01', address: '127.0.0.1', hostPort: expect.any(Number) },
    ]);
    expect(parseDockerContext(recordedDocker('context-inspect.json'))).toEqual({ name: 'default', host: 'unix:///var/run/docker.sock' });
  });
});
