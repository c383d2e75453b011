import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../../addons/pins.ts';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import { nodeImageCheck } from './node-image.ts';

const inspect = (ref: string) => `docker image inspect --format {{.Id}} ${ref}`;
const missing = { exitCode: 1, stderr: 'Error: No such image: x' };

describe('node image check', () => {
  it('names the pinned image, and says kind pulls it when the engine lacks it', async () => {
    const out = await nodeImageCheck.check(fakeContext({ commands: { [inspect(DEFAULT_PINS.nodeImage)]: missing } }));
    expect(out.status).toBe('ok');
    expect(out.finding.en).toContain(DEFAULT_PINS.nodeImage);
    expect(out.finding.en).toMatch(/pulls it/);
  });

  it('says a chosen image is already in the engine', async () => {
    const ref = 'kindlab.local/node:v1.35.8-rw1';
    const out = await nodeImageCheck.check(fakeContext({ commands: { [inspect(ref)]: { stdout: 'sha256:abc\n' } } }, { nodeImage: ref }));
    expect(out.status).toBe('ok');
    expect(out.finding.zh).toContain(ref);
    expect(out.finding.en).toMatch(/already has/);
  });

  it('warns when a chosen image is not in the engine, with what to do', async () => {
    const ref = 'registry.example:5000/kindest/node:v1.35.8';
    const out = await nodeImageCheck.check(fakeContext({ commands: { [inspect(ref)]: missing } }, { nodeImage: ref }));
    expect(out.status).toBe('warn');
    expect(out.fix?.en).toMatch(/--node-image/);
    expect(out.fixCommands).toEqual([`docker image inspect ${ref}`]);
  });

  it('still names the image while the engine is down', async () => {
    const out = await nodeImageCheck.check(fakeContext({ commands: DAEMON_DOWN }));
    expect(out.status).toBe('skip');
    expect(out.finding.en).toContain(DEFAULT_PINS.nodeImage);
  });
});
