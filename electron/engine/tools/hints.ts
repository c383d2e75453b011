// Maps what docker/kind/kubectl print on failure to a failure code and a hint a learner
// understands. Pure: the strings come from real tool output (see the engine tests' fixtures).
import type { FailureCode, LocalizedText } from '../../api.ts';

export interface StderrClass {
  code: FailureCode;
  hint: LocalizedText;
}

interface Rule extends StderrClass {
  test: RegExp;
}

const RULES: Rule[] = [
  {
    test: /permission denied while trying to connect to the docker (daemon|API) socket/i,
    code: 'daemon-unreachable',
    hint: {
      en: 'Your user may not use Docker. On Linux run `sudo usermod -aG docker $USER`, then log out and back in.',
      zh: '当前用户无权使用 Docker。在 Linux 上运行 `sudo usermod -aG docker $USER`，然后注销并重新登录。',
    },
  },
  {
    test: /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker_engine.*(cannot find|The system cannot find)|failed to connect to the docker API/i,
    code: 'daemon-unreachable',
    hint: {
      en: 'Start Docker (Docker Desktop, Colima or `sudo systemctl start docker`) and check `docker context ls` points at it, then try again.',
      zh: '请先启动 Docker（Docker Desktop、Colima 或 `sudo systemctl start docker`），并用 `docker context ls` 确认当前上下文指向它，然后重试。',
    },
  },
  {
    test: /port is already allocated|Ports are not available|address already in use|bind: An attempt was made to access a socket/i,
    code: 'port-in-use',
    hint: {
      en: 'A host port the cluster maps (80 or 443) is taken. Stop the program using it (`kindlab doctor` names it), or on Windows check `netsh int ipv4 show excludedportrange protocol=tcp`.',
      zh: '集群要映射的主机端口（80 或 443）已被占用。停止占用它的程序（`kindlab doctor` 会给出进程名）；在 Windows 上还要检查 `netsh int ipv4 show excludedportrange protocol=tcp`。',
    },
  },
  {
    test: /already exist for a cluster with the name/i,
    code: 'cluster-exists',
    hint: {
      en: 'A cluster with this name already exists. Run `kindlab up` to reuse it, or `kindlab down` to delete it first.',
      zh: '同名集群已存在。运行 `kindlab up` 复用它，或先运行 `kindlab down` 删除它。',
    },
  },
  {
    test: /too many open files|failed to create inotify|inotify_init/i,
    code: 'command-failed',
    hint: {
      en: 'The host inotify limits are too low: `sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512`.',
      zh: '主机的 inotify 限额太低：`sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512`。',
    },
  },
  {
    // kind prints "cgroup v1 is deprecated …" first in every create on a cgroup v1 engine, also
    // when the cluster comes up (kindlab sets failCgroupV1: false there), so that line alone
    // names no cause. A kubelet that refuses cgroup v1 leaves kubeadm init waiting for an API
    // server that never starts, without a word about cgroups (kind v0.33.0, kubeadm v1.35.8).
    test: /failCgroupV1|cgroups v1 support is in maintenance mode|cgroup v1 is deprecated[^\n]*\n[\s\S]*failed to init node with kubeadm/i,
    code: 'command-failed',
    hint: {
      en: 'kubeadm could not start the control plane on this cgroup v1 host. The kubelet of Kubernetes 1.35 refuses cgroup v1 unless the kind config sets failCgroupV1: false (kindlab\'s does when `docker info` reports cgroup v1; see `kindlab config kind`). Moving the host to cgroup v2 avoids it: a current Linux distribution, or Docker Desktop 4.3 or newer.',
      zh: 'kubeadm 无法在这台 cgroup v1 主机上启动控制平面。Kubernetes 1.35 的 kubelet 默认拒绝 cgroup v1，除非 kind 配置中设置 failCgroupV1: false（当 `docker info` 报告 cgroup v1 时 kindlab 的配置会设置它；见 `kindlab config kind`）。把主机迁移到 cgroup v2 可以避免此问题：使用较新的 Linux 发行版，或 Docker Desktop 4.3 及以上版本。',
    },
  },
  {
    test: /toomanyrequests|429 Too Many Requests|pull rate limit/i,
    code: 'image-pull',
    hint: {
      en: 'Docker Hub rate-limited this address. Wait an hour or run `docker login`, then try again.',
      zh: 'Docker Hub 对当前地址限流了。等一小时或先运行 `docker login`，然后重试。',
    },
  },
  {
    // containerd's wording when the registry is never reached (no DNS, no route, a proxy needed),
    // as a real kubelet reports it: "failed to pull and unpack image … failed to do request: Head
    // "https://registry-1.docker.io/…": dial tcp: lookup registry-1.docker.io on 172.18.0.1:53: no
    // such host". A registry that answers "not found" is another matter (a tag that moved).
    test: /(failed to pull|pulling image|failed to resolve reference)[^\n]*(no such host|server misbehaving|i\/o timeout|network is unreachable|connect: connection refused|TLS handshake timeout|proxyconnect)/i,
    code: 'image-pull',
    hint: {
      en: 'The node could not reach the image registry (DNS lookup or connection failed). Check the internet connection, DNS and proxy settings of the container engine; kind nodes use the engine\'s network.',
      zh: '节点无法连接镜像仓库（DNS 解析或连接失败）。请检查容器引擎的网络连接、DNS 和代理设置；kind 节点使用的是容器引擎的网络。',
    },
  },
  {
    test: /no space left on device/i,
    code: 'command-failed',
    hint: {
      en: 'The container engine ran out of disk. Free space with `docker system prune` or give Docker Desktop more disk.',
      zh: '容器引擎磁盘空间不足。用 `docker system prune` 清理，或给 Docker Desktop 分配更多磁盘。',
    },
  },
  {
    test: /failed calling webhook|no endpoints available for service/i,
    code: 'webhook-not-ready',
    hint: {
      en: 'An admission webhook was not serving yet. kindlab retries these; if it persists, check the add-on pods with `kindlab status`.',
      zh: '准入 Webhook 尚未就绪。kindlab 会自动重试；如果一直失败，用 `kindlab status` 查看插件的 Pod。',
    },
  },
];

export function classifyStderr(stderr: string): StderrClass | null {
  for (const rule of RULES) if (rule.test.test(stderr)) return { code: rule.code, hint: rule.hint };
  return null;
}
