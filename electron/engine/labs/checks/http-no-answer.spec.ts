// expectNoAnswer: the nodeport lab's "a node goes down" is graded by the stopped node's silence.
import { describe, expect, it } from 'vitest';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { FakeTools, type ScriptedRun } from '../../../../test/fakes/engine/labs/fake-tools.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { httpChecker } from './http.ts';
import { runCheck } from './registry.ts';

type HttpCheck = Parameters<typeof httpChecker.run>[0];
const check: HttpCheck = { id: 'down', type: 'http', path: '/', expectStatus: 200, viaDns: false, expectNoAnswer: true, target: { nodePort: { namespace: 'default', name: 'nginx-lb', port: 80, node: 'worker' } } };
const world = () => new FakeKubeClient([...fixture('nodes'), ...fixture('service-nginx-lb')]);
const docker = (answer: ScriptedRun) => new FakeTools((tool) => (tool === 'docker' ? answer : undefined));

describe('http expecting no answer', () => {
  it('passes when the request times out or finds no route, and says so', async () => {
    const timeout = await httpChecker.run(check, checkContext(world(), { tools: docker({ exitCode: 28, stdout: '\n000', stderr: 'curl: (28) Connection timed out after 5001 milliseconds' }) }));
    expect(timeout.status).toBe('pass');
    expect(timeout.expected).toMatch(/^no answer from/);
    expect(timeout.observed).toMatch(/no answer within 5 s/);
    const noRoute = await httpChecker.run(check, checkContext(world(), { tools: docker({ exitCode: 7, stdout: '\n000', stderr: 'curl: (7) Failed to connect to 172.18.0.3 port 31427: No route to host' }) }));
    expect(noRoute.status).toBe('pass');
  });

  it('fails when the node still answers, pointing at the node', async () => {
    const r = await httpChecker.run(check, checkContext(world(), { tools: docker({ stdout: 'Welcome to nginx!\n200' }) }));
    expect(r).toMatchObject({ status: 'fail', layer: 'nodeport' });
    expect(r.hint).toMatch(/docker ps -a/);
  });

  it('a probe that could not run proves nothing', async () => {
    const r = await httpChecker.run(check, checkContext(world(), { tools: docker({ exitCode: 125, stderr: 'docker: Error response from daemon: network kind not found.' }) }));
    expect(r.status).toBe('fail');
    expect(r.layer).not.toBe('nodeport');
  });

  describe('settles, then holds the silence', () => {
    const TIMEOUT = { exitCode: 28, stdout: '\n000', stderr: 'curl: (28) Connection timed out after 5001 milliseconds' };
    const ANSWER = { stdout: 'Welcome to nginx!\n200' };
    const sequence = (...answers: ScriptedRun[]) => {
      let i = 0;
      return new FakeTools((tool) => (tool === 'docker' ? answers[Math.min(i++, answers.length - 1)] : undefined));
    };
    const run = (tools: FakeTools) => runCheck(check, { ...checkContext(world(), { tools }), timeoutScale: 0.1 }, true);

    it('passes once the stopped node has gone quiet and stayed quiet', async () => {
      const tools = sequence(ANSWER, TIMEOUT, TIMEOUT, TIMEOUT);
      const r = await run(tools);
      expect(r.status).toBe('pass');
      expect(tools.calls.length).toBeGreaterThanOrEqual(3);
    });

    it('fails when the node answers again during the hold', async () => {
      const r = await run(sequence(TIMEOUT, ANSWER));
      expect(r).toMatchObject({ status: 'fail', layer: 'nodeport' });
      expect(r.observed).toMatch(/^it was silent at first/);
    });
  });
});
