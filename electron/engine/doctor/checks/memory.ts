// Memory available to the engine: two nodes, Calico, ingress-nginx, MetalLB and the lab pods
// fit in about 4 GiB; below 3 GiB pods get evicted or the API server stalls.
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, always, fillLocalized, formatGiB, grade, runningEngine } from '../check.ts';
import { moreResources } from '../vm-settings.ts';

const MEMORY_WARN_BYTES = 6 * 2 ** 30;
const MEMORY_FAIL_BYTES = 3 * 2 ** 30;

const FINDINGS = {
  ok: { en: 'The engine has {total} of memory.', zh: '容器引擎有 {total} 内存。' },
  warn: { en: 'The engine has {total} of memory; {warn} or more keeps the labs smooth.', zh: '容器引擎有 {total} 内存；{warn} 或以上实验才会流畅。' },
  fail: { en: 'The engine has {total} of memory; the cluster needs at least {fail}.', zh: '容器引擎只有 {total} 内存，集群至少需要 {fail}。' },
};

export const memoryCheck: DoctorCheck = {
  id: 'memory',
  category: 'engine',
  title: { en: 'Engine memory', zh: '引擎内存' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const engine = await runningEngine(ctx);
    if (!engine) return NEEDS_ENGINE;
    const total = engine.info.memTotal;
    if (total === null) return { status: 'warn', finding: { en: 'The engine did not report its memory.', zh: '容器引擎没有报告它的内存大小。' } };
    const status = grade(total, MEMORY_WARN_BYTES, MEMORY_FAIL_BYTES);
    const finding = fillLocalized(FINDINGS[status], { total: formatGiB(total), warn: formatGiB(MEMORY_WARN_BYTES), fail: formatGiB(MEMORY_FAIL_BYTES) });
    if (status === 'ok') return { status, finding };
    return { status, finding, ...moreResources(engine.classified.engine, ctx.facts.platform, { en: 'memory', zh: '内存' }) };
  },
};
