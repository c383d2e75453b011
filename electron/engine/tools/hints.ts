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
    test: /cgroup v1|cgroups v1|failCgroupV1/i,
    code: 'command-failed',
    hint: {
      en: 'Kubernetes 1.35 needs a cgroup v2 host. Use a current Linux distribution or Docker Desktop 4.3 or newer.',
      zh: 'Kubernetes 1.35 需要 cgroup v2 主机。请使用较新的 Linux 发行版，或 Docker Desktop 4.3 及以上版本。',
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
