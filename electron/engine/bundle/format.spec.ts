import { describe, expect, it } from 'vitest';
import type { VersionPins } from '../../api.ts';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { inLang } from '../i18n/text.ts';
import { type BundleIndex, imagePartName, imageProblems, manifestPartName, parseIndex, pinProblems, savedName } from './format.ts';

const PINS: VersionPins = { kind: 'v0.33.0', nodeImage: 'kindest/node:v1.35.8', kubernetes: 'v1.35.8', calico: 'v3.32.1', kubeRouter: 'v2.1.0', ingressNginx: 'controller-v1.15.1', traefik: 'v3.6.12', metallb: 'v0.16.1' };
const H = 'ab'.repeat(32);
const index = (parts: unknown[]): string => JSON.stringify({ format: 1, kindlab: '0.1.0', pins: PINS, createdAt: '2026-12-02T00:00:00Z', parts });
const manifestPart = { name: 'manifests/one-v1.yaml', kind: 'manifest', size: 10, sha256: H, manifestId: 'one' };
const imagePart = { name: 'images/001-traefik.tar', kind: 'images', size: 10, sha256: H, refs: ['traefik:v3.6.12'], saved: ['traefik:v3.6.12'], usedBy: ['traefik'] };

function refusal(text: string): string {
  try {
    parseIndex(text, 'b.tar');
  } catch (err) {
    expect(err).toBeInstanceOf(KindlabError);
    return textIn((err as KindlabError).failure.message, 'en');
  }
  throw new Error('accepted');
}

describe('bundle.json', () => {
  it('parses a well-formed index', () => {
    expect(parseIndex(index([manifestPart, imagePart]), 'b.tar').parts.map((p) => p.name)).toEqual(['manifests/one-v1.yaml', 'images/001-traefik.tar']);
  });

  it('refuses names that could leave the staging folder, duplicates, odd kinds, sizes and hashes', () => {
    expect(refusal(index([{ ...imagePart, name: 'images/../../etc/passwd' }]))).toMatch(/parts\[0\] has the name/);
    expect(refusal(index([{ ...imagePart, name: '/abs' }]))).toMatch(/has the name/);
    expect(refusal(index([imagePart, imagePart]))).toMatch(/listed twice/);
    expect(refusal(index([{ ...imagePart, kind: 'manifest', manifestId: 'x' }]))).toMatch(/not where a manifest part goes/);
    expect(refusal(index([{ ...imagePart, size: -1 }]))).toMatch(/has the size -1/);
    expect(refusal(index([{ ...imagePart, sha256: 'xyz' }]))).toMatch(/no valid sha256/);
    expect(refusal(index([{ ...imagePart, refs: [] }]))).toMatch(/lists no image references/);
    expect(refusal('{not json')).toMatch(/bundle\.json is not JSON/);
    expect(refusal('[]')).toMatch(/has no format/);
  });

  it('names a format it cannot read', () => {
    expect(refusal(JSON.stringify({ format: 7 }))).toBe('b.tar is a bundle of format 7; this kindlab reads format 1');
  });
});

describe('fitting this kindlab', () => {
  const pins = [{ id: 'one', addon: 'metallb' as const, version: 'v1', url: 'https://x.invalid/one.yaml', sha256: H }];
  const idx = (): BundleIndex => parseIndex(index([manifestPart, imagePart]), 'b.tar');

  it('fits when versions, manifests and images agree', () => {
    expect(pinProblems(idx(), { version: '0.1.0', pins: PINS, manifests: pins, images: ['traefik:v3.6.12'] })).toEqual([]);
  });

  it('names every version, manifest and image that differs', () => {
    const problems = pinProblems(idx(), {
      version: '0.2.0',
      pins: { ...PINS, metallb: 'v0.17.0' },
      manifests: [{ ...pins[0]!, sha256: 'cd'.repeat(32) }, { ...pins[0]!, id: 'two' }],
      images: ['traefik:v3.6.12', 'quay.io/metallb/speaker:v0.17.0'],
    }).map((p) => inLang(p, 'en'));
    expect(problems).toEqual([
      'metallb: the bundle has v0.16.1, this kindlab pins v0.17.0',
      `manifest one: the bundle's sha256 is ${H}, the pin's is ${'cd'.repeat(32)}`,
      'manifest two v1 is missing',
      'image quay.io/metallb/speaker:v0.17.0 is missing',
    ]);
  });

  it('refuses images it does not pin, except a node image', () => {
    const i = parseIndex(index([imagePart, { ...imagePart, name: 'images/002-node.tar', refs: ['kindest/node:v9'], saved: ['kindest/node:v9'], usedBy: ['node'] }]), 'b.tar');
    expect(imageProblems(i, []).map((p) => inLang(p, 'en'))).toEqual(['image traefik:v3.6.12 is not one this kindlab pins']);
  });
});

describe('part names', () => {
  it('are positional and readable; a digest is not part of the saved name', () => {
    expect(imagePartName(0, 'registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:' + 'a'.repeat(64))).toBe('images/001-registry.k8s.io_ingress-nginx_controller_v1.15.1.tar');
    expect(manifestPartName({ id: 'metallb-native', addon: 'metallb', version: 'v0.16.1', url: 'u', sha256: H })).toBe('manifests/metallb-native-v0.16.1.yaml');
    expect(savedName('a/b:v1@sha256:' + 'a'.repeat(64))).toBe('a/b:v1');
    expect(savedName('a/b:v1')).toBe('a/b:v1');
  });
});
