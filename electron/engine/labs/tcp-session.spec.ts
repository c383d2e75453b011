import { describe, expect, it } from 'vitest';
import { sayer } from './say.ts';
import { ATTEMPT_MARK, parseSession, sessionBoundS, sessionPauses, sessionScript } from './tcp-session.ts';
import { probeSample } from '../../../test/fakes/engine/labs/probe-samples.ts';

const say = sayer('en');

describe('a tcp client pod\'s schedule', () => {
  it('starts tries at 0, 0.25, 0.75, 1.75, 3.75 … s within the window, and one more beyond it for a hold', () => {
    expect(sessionPauses(15, false)).toEqual([0.25, 0.5, 1, 2, 2, 2, 2, 2, 2]);
    expect(sessionPauses(15, true)).toEqual([0.25, 0.5, 1, 2, 2, 2, 2, 2, 2, 2]);
    // a window too short for a pause: one try, and one beyond it to hold a block
    expect(sessionPauses(0.15, false)).toEqual([]);
    expect(sessionPauses(0.15, true)).toEqual([0.25]);
  });

  it('is a plain sh script: nc, a marker with its result, a pause …, ending at the first accepted connection only when asked to', () => {
    const open = sessionScript('10.240.1.4', 5432, 3, { pausesS: [0.25, 0.5], stopOnOpen: true });
    expect(open).toBe(
      'nc -z -v -w 3 10.240.1.4 5432 2>&1 && echo kindlab-attempt:0 && exit 0 || echo kindlab-attempt:1; sleep 0.25; ' +
        'nc -z -v -w 3 10.240.1.4 5432 2>&1 && echo kindlab-attempt:0 && exit 0 || echo kindlab-attempt:1; sleep 0.5; ' +
        'nc -z -v -w 3 10.240.1.4 5432 2>&1 && echo kindlab-attempt:0 && exit 0 || echo kindlab-attempt:1',
    );
    expect(sessionScript('10.240.1.4', 5432, 3, { pausesS: [], stopOnOpen: false })).toBe('nc -z -v -w 3 10.240.1.4 5432 2>&1 && echo kindlab-attempt:0 || echo kindlab-attempt:1');
    expect(sessionBoundS(3, { pausesS: [0.25, 0.5], stopOnOpen: true })).toBe(9.75);
  });
});

describe('reading a tcp client pod\'s log', () => {
  const plan = { pausesS: [0.25, 0.5, 1], stopOnOpen: true };
  const refused = 'nc: connect to 10.240.1.4 port 5432 (tcp) failed: Connection refused';
  const dropped = 'nc: connect to 10.240.1.4 port 5432 (tcp) timed out: Operation now in progress';
  const open = 'Connection to 10.240.1.4 5432 port [tcp/postgresql] succeeded!';

  it('turns each marked try into an observation, with its times from the schedule (nc -w for a timeout)', () => {
    // what the pod printed on kube-router: refused twice, then let in
    const log = [refused, `${ATTEMPT_MARK}1`, dropped, `${ATTEMPT_MARK}1`, open, `${ATTEMPT_MARK}0`, ''].join('\n');
    const tries = parseSession(log, plan, 3, say, { exitCode: 0 });
    expect(tries.map((t) => [t.obs.outcome, t.startS, t.endS])).toEqual([
      ['refused', 0, 0],
      ['blocked', 0.25, 3.25],
      ['open', 3.75, 3.75],
    ]);
  });

  it('counts a try only once its marker is there while the pod runs, and the rest by the exit code once it has ended', () => {
    const running = [refused, `${ATTEMPT_MARK}1`, open].join('\n');
    expect(parseSession(running, plan, 3, say)).toHaveLength(1);
    expect(parseSession(running, plan, 3, say, { exitCode: 0 }).map((t) => t.obs.outcome)).toEqual(['refused', 'open']);
    // an nc that printed nothing and failed (busybox wording aside) is still one try
    expect(parseSession('', plan, 3, say, { exitCode: 1 })).toEqual([]);
  });
});

describe('a tcp client pod\'s log recorded on a real kind cluster (test/fixtures/probes)', () => {
  it('reads the session that ended at the first accepted connection', () => {
    const s = probeSample('session-open');
    const plan = { pausesS: [0.25, 0.5], stopOnOpen: true };
    expect(s.argv[2]).toBe(sessionScript(s.argv[2]?.split(' ')[5] ?? '', 80, 3, plan));
    const tries = parseSession(s.log ?? '', plan, 3, say, { exitCode: s.exitCode });
    expect(tries.map((t) => t.obs.outcome)).toEqual(['open']);
  });

  it('reads three refusals, each with its marker', () => {
    const s = probeSample('session-refused');
    const plan = { pausesS: [0.25, 0.5], stopOnOpen: false };
    const tries = parseSession(s.log ?? '', plan, 3, say, { exitCode: s.exitCode });
    expect(tries.map((t) => t.obs.outcome)).toEqual(['refused', 'refused', 'refused']);
    expect(tries.map((t) => t.startS)).toEqual([0, 0.25, 0.75]);
  });
});
