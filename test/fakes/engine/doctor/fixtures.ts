// Tool output as the doctor's probes see it, for the specs. The shapes follow what each tool
// prints (docker 28, Docker Desktop 4.41, Podman 5, kind 0.33, kubectl 1.32/1.35, iproute2 ss,
// lsof, Windows netstat/tasklist); fields the doctor does not read are trimmed.

export const DAEMON_DOWN_STDERR = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';

/** `docker version --format {{json .}}` with the daemon down: exit 1, Server null. */
export const DOCKER_VERSION_DOWN =
  '{"Client":{"Version":"28.2.2","ApiVersion":"1.50","DefaultAPIVersion":"1.50","GitCommit":"e6534b4","GoVersion":"go1.24.3","Os":"linux","Arch":"amd64","BuildTime":"Fri May 30 12:07:14 2025","Context":"default"},"Server":null}\n';

export function dockerVersionJson(server: { version: string; product: string; podman?: boolean }, context = 'default'): string {
  const components = server.podman
    ? [{ Name: 'Podman Engine', Version: server.version, Details: { APIVersion: server.version, Os: 'linux' } }]
    : [
        { Name: 'Engine', Version: server.version, Details: { ApiVersion: '1.50', Os: 'linux', Arch: 'amd64' } },
        { Name: 'containerd', Version: '1.7.27' },
      ];
  return JSON.stringify({
    Client: { Version: '28.2.2', ApiVersion: '1.50', Os: 'linux', Arch: 'amd64', Context: context },
    Server: { Platform: { Name: server.product }, Components: components, Version: server.version, ApiVersion: '1.50', Os: 'linux', Arch: 'amd64' },
  });
}

const ENGINE_INFO = {
  ID: 'b7c3a3e4-5d2f-4a8e-9c51-0e1f2a3b4c5d',
  Containers: 2,
  ContainersRunning: 2,
  Images: 3,
  Driver: 'overlay2',
  CgroupDriver: 'systemd',
  CgroupVersion: '2',
  KernelVersion: '6.8.0-60-generic',
  OperatingSystem: 'Ubuntu 24.04.2 LTS',
  OSVersion: '24.04',
  OSType: 'linux',
  Architecture: 'x86_64',
  NCPU: 8,
  MemTotal: 16_654_966_784,
  DockerRootDir: '/var/lib/docker',
  Name: 'lab-laptop',
  ServerVersion: '28.2.2',
  SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'],
  ProductLicense: 'Community Engine',
  Warnings: null,
};

/** `docker info --format {{json .}}` from a rootful Docker Engine on Ubuntu, with overrides. */
export function dockerInfoJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...ENGINE_INFO, ...overrides });
}

export const DOCKER_DESKTOP_INFO = dockerInfoJson({
  OperatingSystem: 'Docker Desktop',
  Name: 'docker-desktop',
  KernelVersion: '6.10.14-linuxkit',
  MemTotal: 8_217_530_368,
  NCPU: 8,
  SecurityOptions: ['name=seccomp,profile=unconfined', 'name=cgroupns'],
  Labels: ['com.docker.desktop.address=unix:///Users/lee/Library/Containers/com.docker.docker/Data/docker-cli.sock'],
});

/** Podman 5 behind its Docker-compatible socket: Docker's fields plus BuildahVersion and Rootless. */
export const PODMAN_COMPAT_INFO = dockerInfoJson({
  OperatingSystem: 'fedora',
  Name: 'localhost.localdomain',
  ServerVersion: '5.3.1',
  ProductLicense: 'Apache-2.0',
  BuildahVersion: '1.38.0',
  Rootless: false,
  DockerRootDir: '/var/lib/containers/storage',
  SecurityOptions: ['name=seccomp,profile=default', 'name=selinux'],
});

/** `podman info --format {{json .}}` when `docker` is the podman-docker alias. */
export const PODMAN_NATIVE_INFO = JSON.stringify({
  host: {
    arch: 'amd64',
    cgroupVersion: 'v2',
    cpus: 4,
    distribution: { distribution: 'fedora', variant: 'workstation', version: '41' },
    hostname: 'fedora',
    kernel: '6.11.4-301.fc41.x86_64',
    memTotal: 8_046_223_360,
    os: 'linux',
    security: { rootless: true },
  },
  store: { graphRoot: '/home/lee/.local/share/containers/storage' },
  version: { Version: '5.3.1' },
});

export function dockerContextJson(name: string, host: string): string {
  return JSON.stringify([{ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } }, TLSMaterial: {}, Storage: {} }], null, 4);
}

/** `docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}`: one object per line. */
export function kindContainerLines(nodes: { name: string; cluster: string; role: string; state?: string }[]): string {
  return nodes
    .map((n) =>
      JSON.stringify({
        Command: '"/usr/local/bin/entrypoint /sbin/init"',
        ID: 'f00dfeed' + n.name.length,
        Image: 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
        Labels: `io.x-k8s.kind.cluster=${n.cluster},io.x-k8s.kind.role=${n.role}`,
        Names: n.name,
        State: n.state ?? 'running',
        Status: 'Up 2 hours',
      }),
    )
    .join('\n')
    .concat('\n');
}

export const KIND_VERSION = 'kind v0.33.0 go1.25.5 linux/amd64\n';
export const NO_KIND_CLUSTERS_STDERR = 'No kind clusters found.\n';

export function kubectlClientJson(gitVersion: string, minor: string): string {
  return JSON.stringify(
    {
      clientVersion: { major: '1', minor, gitVersion, gitCommit: '4cb5f0764b8d5f425645c6f433394fede34a8a26', gitTreeState: 'clean', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64' },
      kustomizeVersion: 'v5.5.0',
    },
    null,
    2,
  );
}

/** /proc/net/tcp: nginx on 0.0.0.0:80, sshd on 0.0.0.0:22, a resolver on 127.0.0.53:53, one established connection. */
export const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31245 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 22741 1 0000000000000000 100 0 0 10 0
   2: 3500007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 19032 1 0000000000000000 100 0 0 10 5
   3: 0100007F:01BB 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 48813 1 0000000000000000 20 4 30 10 -1
`;

/** /proc/net/tcp6: a wildcard listener on :443 and a loopback one on ::1:631. */
export const PROC_NET_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31246 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20001 1 0000000000000000 100 0 0 10 0
`;

/** `ss -ltnpH 'sport = :80'` as root: nginx's master and worker share the socket. */
export const SS_NGINX = `LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=1234,fd=6),("nginx",pid=1235,fd=6))
LISTEN 0      511             [::]:80           [::]:*    users:(("nginx",pid=1234,fd=7),("nginx",pid=1235,fd=7))
`;

/** The same as a normal user: the socket is listed, its owner is not. */
export const SS_NO_PROCESS = `LISTEN 0      511          0.0.0.0:80        0.0.0.0:*
`;

/** `lsof -nP -iTCP:80 -sTCP:LISTEN -Fpc` on macOS. */
export const LSOF_HTTPD = 'p412\nchttpd\nf4\np530\nchttpd\nf4\n';

/** `netstat -ano -p tcp` on Windows with IIS (System, pid 4) on port 80. */
export const NETSTAT_IIS = `
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:80             0.0.0.0:0              LISTENING       4
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1016
  TCP    127.0.0.1:49670        127.0.0.1:49671        ESTABLISHED     5128
  TCP    [::]:80                [::]:0                 LISTENING       4
`;

export const TASKLIST_SYSTEM = '"System","4","Services","0","148 K"\r\n';
export const TASKLIST_NONE = 'INFO: No tasks are running which match the specified criteria.\r\n';
