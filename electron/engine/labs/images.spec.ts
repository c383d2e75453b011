import { describe, expect, it } from 'vitest';
import { commandImages, imageProblem } from './images.ts';

describe('lab images', () => {
  it('accepts tags and tag plus digest', () => {
    for (const ok of ['nginx:1.29.3', 'docker.io/library/postgres:17.11-alpine', `nicolaka/netshoot:v0.15@sha256:${'a'.repeat(64)}`, 'registry:5000/team/app:v1']) expect(imageProblem(ok), ok).toBeNull();
  });

  it('refuses latest, a missing tag and Bitnami', () => {
    expect(imageProblem('nginx')).toMatch(/must be pinned/);
    expect(imageProblem('nginx:latest')).toMatch(/must be pinned/);
    expect(imageProblem('registry:5000/app')).toMatch(/must be pinned/);
    expect(imageProblem('bitnami/postgresql:17.0.0')).toMatch(/Bitnami/);
    expect(imageProblem('docker.io/bitnamilegacy/postgresql:17.0.0')).toMatch(/Bitnami/);
  });

  it('finds the images of a command line in both flag forms', () => {
    expect(commandImages(['kubectl', 'run', 'x', '--image', 'a:1', '--', 'sh'])).toEqual(['a:1']);
    expect(commandImages(['kubectl', 'create', 'deployment', 'y', '--image=b:2'])).toEqual(['b:2']);
    expect(commandImages(['kubectl', 'get', 'pods'])).toEqual([]);
  });
});
