import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../addons/pins.ts';
import { DEFAULT_SETTINGS } from '../context.ts';
import { canonicalImage, neededFor, nodeHas, parseCrictlImages, probeUrl, registryOf } from './downloads.ts';

describe('what up downloads', () => {
  it('knows each image’s registry, Docker Hub for short names', () => {
    expect(registryOf('quay.io/calico/node:v3.32.1')).toBe('quay.io');
    expect(registryOf('kindest/node:v1.35.8@sha256:abc')).toBe('docker.io');
    expect(registryOf('nginx:1.30.4-alpine')).toBe('docker.io');
    expect(registryOf('registry.example:5000/kindest/node:v1')).toBe('registry.example:5000');
    expect(probeUrl('docker.io')).toBe('https://registry-1.docker.io/v2/');
    expect(probeUrl('raw.githubusercontent.com', 'https://raw.githubusercontent.com/a/b.yaml')).toBe('https://raw.githubusercontent.com/');
  });

  it('lists the node image, the chosen add-ons’ images and manifests, then the labs’ images', () => {
    const needs = neededFor(DEFAULT_SETTINGS, DEFAULT_PINS);
    expect(needs[0]).toMatchObject({ kind: 'image', ref: DEFAULT_PINS.nodeImage, source: 'docker.io', neededBy: 'up' });
    expect(needs.filter((n) => n.kind === 'manifest').map((n) => n.ref)).toEqual(['calico-operator-crds', 'calico-tigera-operator', 'ingress-nginx-kind', 'metallb-native']);
    expect(needs.filter((n) => n.neededBy === 'labs').map((n) => n.ref)).toEqual([DEFAULT_PINS.images.probe, DEFAULT_PINS.images.netshoot]);
    const alt = neededFor({ ...DEFAULT_SETTINGS, cni: 'kube-router', ingress: 'traefik' }, DEFAULT_PINS);
    expect(alt.some((n) => n.ref.includes('calico'))).toBe(false);
    expect(alt.filter((n) => n.kind === 'manifest').map((n) => n.ref)).toEqual(['metallb-native', 'kube-router-generic', 'traefik-ingress-nginx-rbac']);
  });

  it('recognises an image on a node by tag or digest, as containerd lists it', () => {
    expect(canonicalImage('nginx:1.30')).toBe('docker.io/library/nginx:1.30');
    expect(canonicalImage('docker.io/library/traefik:v3.6.12')).toBe('docker.io/library/traefik:v3.6.12');
    const listed = parseCrictlImages(JSON.stringify({ images: [{ repoTags: ['quay.io/metallb/speaker:v0.16.1'], repoDigests: ['registry.k8s.io/ingress-nginx/controller@sha256:594c'] }] }));
    expect(listed && nodeHas('quay.io/metallb/speaker:v0.16.1', listed)).toBe(true);
    expect(listed && nodeHas('registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594c', listed)).toBe(true);
    expect(listed && nodeHas('quay.io/metallb/controller:v0.16.1', listed)).toBe(false);
    expect(parseCrictlImages('not json')).toBeNull();
  });
});
