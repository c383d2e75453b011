import { DEFAULT_SETTINGS } from '../context.ts';
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import type { CheckOutcome, DoctorCheck } from './check.ts';
import { DAEMON_DOWN, fakeContext, fakeFacts } from '../../../test/fakes/engine/doctor/fake-probes.ts';
import { DOCTOR_CHECKS } from './registry.ts';
import { runDoctor } from './run.ts';

const SETTINGS = { ...DEFAULT_SETTINGS };

function stub(id: string, run: () => Promise<CheckOutcome>, applies = true): DoctorCheck {
  return { id, category: 'host', title: { en: `Title ${id}`, zh: `标题 ${id}` }, applies: () => applies, check: run };
}

const ok = (en: string): CheckOutcome => ({ status: 'ok', finding: { en, zh: `中文 ${en}` } });

describe('runDoctor', () => {
  it('keeps registry order although checks finish in another order, and hands over both languages', async () => {
    const slow = stub('slow', () => new Promise((r) => setTimeout(() => r(ok('slow')), 30)));
    const fast = stub('fast', async () => ok('fast'));
    const report = await runDoctor([slow, fast], fakeFacts(), SETTINGS);
    expect(report.findings.map((f) => [f.id, textIn(f.title, 'zh'), textIn(f.finding, 'zh'), textIn(f.finding, 'en')])).toEqual([
      ['slow', '标题 slow', '中文 slow', 'slow'],
      ['fast', '标题 fast', '中文 fast', 'fast'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('runs checks in parallel', async () => {
    const wait = () => new Promise<CheckOutcome>((r) => setTimeout(() => r(ok('x')), 100));
    const report = await runDoctor([stub('a', wait), stub('b', wait), stub('c', wait)], fakeFacts(), SETTINGS);
    expect(report.durationMs).toBeLessThan(250);
  });

  it('turns a throwing check into a fail finding with its error, and the report still arrives', async () => {
    const broken = stub('broken', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'MemTotal')");
    });
    const report = await runDoctor([broken, stub('fine', async () => ok('fine'))], fakeFacts(), SETTINGS);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ id: 'broken', status: 'fail', finding: { en: "The check itself failed: Cannot read properties of undefined (reading 'MemTotal')" } });
    expect(report.findings[1]?.status).toBe('ok');
  });

  it('bounds a hanging check', async () => {
    const report = await runDoctor([stub('stuck', () => new Promise(() => {}))], fakeFacts(), SETTINGS, { checkTimeoutMs: 50 });
    expect(report.findings[0]?.status).toBe('warn');
    expect(textIn(report.findings[0]?.finding, 'en')).toMatch(/did not finish/);
  });

  it('leaves out checks that do not apply, and counts only fails against ok', async () => {
    const report = await runDoctor(
      [stub('elsewhere', async () => ok('never'), false), stub('warned', async () => ({ status: 'warn', finding: { en: 'w', zh: 'w' }, fix: { en: 'do', zh: '做' } }))],
      fakeFacts(),
      SETTINGS,
    );
    expect(report.findings.map((f) => f.id)).toEqual(['warned']);
    expect(report.findings[0]?.fix).toEqual({ en: 'do', zh: '做' });
    expect(report.ok).toBe(true);
  });
});

describe('the full doctor on pretend machines', () => {
  it('is all ok on a healthy Linux machine', async () => {
    const report = await runDoctor(DOCTOR_CHECKS, fakeFacts(), SETTINGS);
    expect(report.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(report.findings).toHaveLength(16);
    expect(report.ok).toBe(true);
  });

  it('with the daemon down: the engine fails once and the checks that need it skip', async () => {
    const facts = fakeContext({ commands: DAEMON_DOWN }).facts;
    const report = await runDoctor(DOCTOR_CHECKS, facts, SETTINGS);
    const status = Object.fromEntries(report.findings.map((f) => [f.id, f.status]));
    expect(status).toMatchObject({
      'docker-cli': 'ok',
      'docker-daemon': 'fail',
      cgroup: 'skip',
      memory: 'skip',
      cpus: 'skip',
      disk: 'skip',
      'existing-cluster': 'skip',
      kind: 'ok',
      kubectl: 'ok',
      networking: 'skip',
    });
    expect(report.findings.filter((f) => f.status === 'fail').map((f) => f.id)).toEqual(['docker-daemon']);
    expect(report.ok).toBe(false);
  });

  it('asks docker each question once, however many checks need the answer', async () => {
    const facts = fakeFacts();
    await runDoctor(DOCTOR_CHECKS, facts, SETTINGS);
    const calls = (facts.probes as unknown as { calls: string[] }).calls;
    expect(calls.filter((c) => c === 'docker info --format {{json .}}')).toHaveLength(1);
    expect(calls.filter((c) => c === 'kind get clusters')).toHaveLength(1);
  });
});
