// Free space where the engine keeps images and containers. The node image alone is about 1 GB
// unpacked, and kubelet starts evicting pods when the disk runs low.
import { type CheckOutcome, type DoctorCheck, ENGINE_NAMES, NEEDS_ENGINE, always, fillLocalized, formatGB, grade, runningEngine } from '../check.ts';

const DISK_WARN_BYTES = 15e9;
const DISK_FAIL_BYTES = 5e9;

const FINDINGS = {
  ok: { en: '{free} free in {root}.', zh: '{root} 有 {free} 可用空间。' },
  warn: { en: '{free} free in {root}; {warn} or more leaves room for the lab images.', zh: '{root} 有 {free} 可用空间；留出 {warn} 或以上才放得下实验镜像。' },
  fail: { en: 'Only {free} free in {root}; the cluster needs at least {fail}.', zh: '{root} 只剩 {free} 可用空间，集群至少需要 {fail}。' },
};

export const diskCheck: DoctorCheck = {
  id: 'disk',
  category: 'engine',
  title: { en: 'Free disk for the engine', zh: '引擎可用磁盘' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const engine = await runningEngine(ctx);
    if (!engine) return NEEDS_ENGINE;
    if (!engine.classified.sharesHostKernel) {
      return {
        status: 'skip',
        finding: fillLocalized(
          {
            en: '{engine} keeps its images inside its own VM, whose free space cannot be read from here; its disk size is in its settings.',
            zh: '{engine} 把镜像存放在自己的虚拟机里，从这里读不到那里的可用空间；磁盘大小可在它的设置中查看。',
          },
          { engine: ENGINE_NAMES[engine.classified.engine] },
        ),
      };
    }
    const root = engine.info.dockerRootDir;
    const free = root ? await ctx.facts.freeBytes(root) : null;
    if (root === null || free === null) {
      return { status: 'skip', finding: fillLocalized({ en: 'Could not read the free space of {root}.', zh: '无法读取 {root} 的可用空间。' }, { root: root ?? 'DockerRootDir' }) };
    }
    const status = grade(free, DISK_WARN_BYTES, DISK_FAIL_BYTES);
    const finding = fillLocalized(FINDINGS[status], { free: formatGB(free), root, warn: formatGB(DISK_WARN_BYTES), fail: formatGB(DISK_FAIL_BYTES) });
    if (status === 'ok') return { status, finding };
    return {
      status,
      finding,
      fix: { en: 'Remove unused images, containers and build cache, or free space on that disk.', zh: '请清理不用的镜像、容器和构建缓存，或在该磁盘上腾出空间。' },
      fixCommands: ['docker system prune'],
    };
  },
};
