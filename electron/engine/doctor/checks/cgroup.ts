// Kubernetes 1.35 turns on failCgroupV1: its kubelet refuses to start on a cgroup v1 host. Many
// learners still have one (Ubuntu 20.04, CentOS 7, older WSL2 kernels), so kindlab starts the
// kubelet with failCgroupV1: false there (see cluster/kind-config.ts): a warning, not a failure,
// that says why and how to move to cgroup v2 before the support ends.
import { fill } from '../../i18n/text.ts';
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, always, runningEngine } from '../check.ts';

export const cgroupCheck: DoctorCheck = {
  id: 'cgroup',
  category: 'engine',
  title: { en: 'cgroup version', zh: 'cgroup 版本' },
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
        status: 'warn',
        finding: fill(
          {
            en: 'The engine uses cgroup v1. The kubelet of Kubernetes {k8s} refuses it by default; kindlab starts it with failCgroupV1: false, so the cluster runs, but cgroup v1 is deprecated and its support is being removed.',
            zh: '容器引擎使用 cgroup v1。Kubernetes {k8s} 的 kubelet 默认拒绝在其上运行；kindlab 会以 failCgroupV1: false 启动 kubelet，集群可以运行，但 cgroup v1 已被弃用，相关支持正在移除。',
          },
          { k8s },
        ),
        fix: {
          en: 'Move the host to cgroup v2 when you can: current distributions use it by default (Ubuntu 21.10+, Debian 11+, RHEL 9); on older ones add systemd.unified_cgroup_hierarchy=1 to the kernel command line and reboot; on WSL2 set kernelCommandLine = cgroup_no_v1=all in .wslconfig and run wsl --shutdown. Docker Desktop 4.3 and later always use v2.',
          zh: '条件允许时请把主机切换到 cgroup v2：较新的发行版默认使用 v2（Ubuntu 21.10+、Debian 11+、RHEL 9）；较旧的发行版可在内核启动参数中加入 systemd.unified_cgroup_hierarchy=1 后重启；WSL2 可在 .wslconfig 中设置 kernelCommandLine = cgroup_no_v1=all 后运行 wsl --shutdown。Docker Desktop 4.3 及以上版本始终使用 v2。',
        },
        fixCommands: ["docker info --format '{{.CgroupVersion}}'"],
      };
    }
    return {
      status: 'warn',
      finding: { en: 'The engine did not report its cgroup version.', zh: '容器引擎没有报告它的 cgroup 版本。' },
      fix: { en: 'Check what `docker info` prints as "Cgroup Version": 2 is what Kubernetes expects; on 1 kindlab sets failCgroupV1: false.', zh: '请查看 `docker info` 输出中的 “Cgroup Version”：Kubernetes 期望为 2；若为 1，kindlab 会设置 failCgroupV1: false。' },
      fixCommands: ["docker info --format '{{.CgroupVersion}}'"],
    };
  },
};
