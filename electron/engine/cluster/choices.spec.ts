import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFrom } from '../context.ts';
import { KindlabError } from '../errors.ts';
import { assertNodeImage, parseChoices, readChoices, writeChoices } from './choices.ts';

describe('a cluster remembers what it was built with', () => {
  it('writes and reads its choices; anything unreadable counts as nothing remembered', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kindlab-choices-')), 'clusters', 'cluster01');
    expect(readChoices(dir)).toEqual({});
    await writeChoices(dir, { cni: 'kube-router', ingress: 'traefik', nodeImage: 'kindlab.local/node:v1.35.8-rw1' });
    expect(readChoices(dir)).toEqual({ cni: 'kube-router', ingress: 'traefik', nodeImage: 'kindlab.local/node:v1.35.8-rw1' });
    expect(parseChoices('{"cni":"flannel","ingress":"traefik"}')).toEqual({ ingress: 'traefik' });
    expect(parseChoices('not json')).toEqual({});
  });

  it('a request asks, else the environment, else the cluster, else the book', () => {
    const remembered = { cni: 'kube-router', ingress: 'traefik' } as const;
    expect(settingsFrom(undefined, {})).toMatchObject({ cni: 'calico', ingress: 'ingress-nginx' });
    expect(settingsFrom(undefined, {}, remembered)).toMatchObject({ cni: 'kube-router', ingress: 'traefik' });
    expect(settingsFrom(undefined, { cni: 'calico' }, remembered)).toMatchObject({ cni: 'calico', ingress: 'traefik' });
    expect(settingsFrom({ ingress: 'ingress-nginx' }, { ingress: 'traefik' }, remembered)).toMatchObject({ ingress: 'ingress-nginx' });
    expect(settingsFrom(undefined, { nodeImage: 'kindlab.local/node:x' }).nodeImage).toBe('kindlab.local/node:x');
    expect(settingsFrom(undefined, {}).nodeImage).toBeUndefined();
  });

  it('refuses what it cannot build, saying which values exist', () => {
    const failure = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as KindlabError).failure;
      }
      throw new Error('did not throw');
    };
    expect(failure(() => settingsFrom({ cni: 'flannel' as never }))).toMatchObject({ code: 'bad-input', hint: { en: 'Use --cni calico or kube-router.' } });
    expect(failure(() => settingsFrom({ ingress: 'haproxy' as never }, {})).hint).toMatchObject({ zh: '请使用 --ingress ingress-nginx 或 traefik。' });
    expect(failure(() => assertNodeImage('kindest/node:v1.35.8; rm -rf /')).code).toBe('bad-input');
    expect(assertNodeImage(' registry.example:5000/kindest/node:v1.35.8@sha256:abc ')).toBe('registry.example:5000/kindest/node:v1.35.8@sha256:abc');
  });
});
