// CPUs available to the engine: with one CPU, the control plane and Calico starve each other
// and readiness waits run out.
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, always, fillLocalized, grade, runningEngine } from '../check.ts';
import { moreResources } from '../vm-settings.ts';

const MIN_CPUS = 2;

const FINDINGS = {
  ok: { en: 'The engine has {cpus} CPUs.', zh: '容器引擎有 {cpus} 个 CPU。' },
  warn: { en: 'The engine has {cpus} CPU; {min} or more are needed for a responsive cluster.', zh: '容器引擎只有 {cpus} 个 CPU，集群要响应及时至少需要 {min} 个。' },
};

export const cpusCheck: DoctorCheck = {
  id: 'cpus',
  category: 'engine',
  title: { en: 'Engine CPUs', zh: '引擎 CPU' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const engine = await runningEngine(ctx);
    if (!engine) return NEEDS_ENGINE;
    const cpus = engine.info.ncpu;
    if (cpus === null) return { status: 'warn', finding: { en: 'The engine did not report its CPU count.', zh: '容器引擎没有报告 CPU 数量。' } };
    // Too few CPUs slow the labs down but do not break them: never a fail.
    const status = grade(cpus, MIN_CPUS) === 'ok' ? 'ok' : 'warn';
    const finding = fillLocalized(FINDINGS[status], { cpus, min: MIN_CPUS });
    if (status === 'ok') return { status, finding };
    return { status, finding, ...moreResources(engine.classified.engine, ctx.facts.platform, { en: 'CPUs', zh: ' CPU' }) };
  },
};
