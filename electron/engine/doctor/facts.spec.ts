import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeFacts, fakeProbes, machine } from '../../../test/fakes/engine/doctor/fake-probes.ts';
import { DoctorFacts, detectWsl } from './facts.ts';
import * as fx from '../../../test/fakes/engine/doctor/fixtures.ts';
import { DEFAULT_PINS } from '../addons/pins.ts';
import { KindlabError } from '../errors.ts';

describe('DoctorFacts.engine', () => {
  it('gathers version, info and context from one parallel round', async () => {
    const engine = await fakeFacts().engine();
    expect(engine).toMatchObject({
      cli: true,
      reachable: true,
      error: null,
      clientVersion: '28.2.2',
      serverVersion: '28.2.2',
      contextName: 'default',
      host: 'unix:///var/run/docker.sock',
      classified: { engine: 'docker-engine', lbRoutableFromHost: true },
    });
  });

  it('keeps the daemon’s own error line when it is down', async () => {
    const engine = await fakeFacts({ commands: DAEMON_DOWN }).engine();
    expect(engine.reachable).toBe(false);
    expect(engine.error).toBe('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    expect(engine.clientVersion).toBe('28.2.2');
  });

  it('treats ServerErrors from an older CLI as a down daemon', async () => {
    const info = JSON.stringify({ ServerErrors: ['error during connect: this error may indicate that the docker daemon is not running'] });
    const engine = await fakeFacts({ commands: { 'docker info --format {{json .}}': { stdout: info } } }).engine();
    expect(engine.reachable).toBe(false);
    expect(engine.error).toMatch(/^error during connect/);
  });

  it('turns a hanging or unrunnable docker into an error instead of throwing', async () => {
    const probes = fakeProbes(machine());
    const run = probes.run.run;
    probes.run.run = async (tool, args, opts) => {
      if (args[0] === 'version') throw new KindlabError({ code: 'timeout', message: 'docker did not finish within 8 s', hint: '' });
      return run(tool, args, opts);
    };
    const engine = await new DoctorFacts(probes, DEFAULT_PINS).engine();
    expect(engine.reachable).toBe(false);
    expect(engine.error).toBe('docker did not finish within 8 s');
  });

  it('lets DOCKER_HOST win over the context endpoint', async () => {
    const engine = await fakeFacts({ env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } }).engine();
    expect(engine.host).toBe('unix:///run/user/1000/docker.sock');
    expect(engine.classified.engine).toBe('rootless-docker');
  });

  it('answers without running anything when the CLI is missing', async () => {
    const facts = fakeFacts({ tools: { docker: null } });
    const engine = await facts.engine();
    expect(engine).toMatchObject({ cli: false, reachable: false });
    expect((facts.probes as unknown as { calls: string[] }).calls).toEqual([]);
  });
});

describe('DoctorFacts tools and state', () => {
  it('reads kind and kubectl versions', async () => {
    const facts = fakeFacts({ commands: { 'kubectl version --client -o json': { stdout: fx.kubectlClientJson('v1.32.4-dispatcher', '32+') } } });
    expect((await facts.kind()).version).toBe('0.33.0');
    expect((await facts.kubectl()).parsed).toEqual({ gitVersion: 'v1.32.4-dispatcher', major: 1, minor: 32 });
  });

  it('returns null for cluster lists it could not get', async () => {
    const facts = fakeFacts({ commands: DAEMON_DOWN });
    expect(await facts.kindClusters()).toBeNull();
    expect(await facts.kindNodes()).toBeNull();
    expect(await fakeFacts({ tools: { kind: null } }).kindClusters()).toBeNull();
  });

  it('memoizes every probe', async () => {
    const facts = fakeFacts();
    await Promise.all([facts.engine(), facts.engine(), facts.kind(), facts.kind()]);
    const calls = (facts.probes as unknown as { calls: string[] }).calls;
    expect(calls.filter((c) => c === 'docker version --format {{json .}}')).toHaveLength(1);
    expect(calls.filter((c) => c === 'kind version')).toHaveLength(1);
  });
});

describe('detectWsl', () => {
  it('recognises WSL by its kernel or its environment', () => {
    expect(detectWsl('linux', {}, '5.15.167.4-microsoft-standard-WSL2')).toBe(true);
    expect(detectWsl('linux', { WSL_DISTRO_NAME: 'Ubuntu' }, '6.8.0')).toBe(true);
    expect(detectWsl('linux', {}, '6.8.0-60-generic')).toBe(false);
    expect(detectWsl('win32', { WSL_DISTRO_NAME: 'Ubuntu' }, '10.0.22631')).toBe(false);
  });
});
