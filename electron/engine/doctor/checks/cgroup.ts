// Kubernetes 1.35 turns on failCgroupV1: its kubelet refuses to start on a cgroup v1 host, so
// the node images kindlab pins need an engine on cgroup v2.
import { fill } from '../../i18n/text.ts';
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, always, runningEngine } from '../check.ts';

export const cgroupCheck: DoctorCheck = {
  id: 'cgroup',
  category: 'engine',
  title: { en: 'cgroup v2', zh: 'cgroup v2' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const engine = await runningEngine(ctx);
    if (!engine) return NEEDS_ENGINE;
    const version = engine.info.cgroupVersion;
    const k8s = ctx.facts.pins.kubernetes;
    if (version === '2') {
      return { status: 'ok', finding: { en: 'The engine uses cgroup v2.', zh: '容器引擎使用 cgroup v2。' } };
    }
    if (version === '1') {
      return {
        status: 'fail',
        finding: fill(
          { en: 'The engine uses cgroup v1; Kubernetes {k8s} node images refuse to start on it.', zh: '容器引擎使用 cgroup v1，Kubernetes {k8s} 的节点镜像在它上面无法启动。' },
          { k8s },
        ),
        fix: {
          en: 'Switch the host to cgroup v2: current distributions use it by default; on older ones add systemd.unified_cgroup_hierarchy=1 to the kernel command line and reboot. Docker Desktop 4.3 and later always use v2, so update it if that is your engine.',
          zh: '请把主机切换到 cgroup v2：较新的发行版默认就是 v2；较旧的发行版可在内核启动参数中加入 systemd.unified_cgroup_hierarchy=1 后重启。Docker Desktop 4.3 及以上版本始终使用 v2，如果你用的是它，请升级。',
        },
        fixCommands: ["docker info --format '{{.CgroupVersion}}'"],
      };
    }
    return {
      status: 'warn',
      finding: { en: 'The engine did not report its cgroup version.', zh: '容器引擎没有报告它的 cgroup 版本。' },
      fix: { en: 'Check that `docker info` prints "Cgroup Version: 2"; version 1 will not run the cluster.', zh: '请确认 `docker info` 输出中有 “Cgroup Version: 2”；cgroup v1 上集群无法运行。' },
      fixCommands: ["docker info --format '{{.CgroupVersion}}'"],
    };
  },
};
