import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../addons/pins.ts';
import { loadLabs } from '../labs/loader.ts';
import { imagesFor, inventory, labImages, manifestImages, registryPath, upstreamsOf } from './inventory.ts';

const labs = loadLabs().labs.map((l) => labImages(l, DEFAULT_PINS));
const all = inventory(DEFAULT_PINS, labs);
const refs = all.map((i) => i.ref);

describe('inventory', () => {
  it('names every add-on choice, MetalLB and the images the operator renders', () => {
    for (const a of Object.values(DEFAULT_PINS.addonImages)) for (const ref of a) expect(refs).toContain(ref);
    expect(all.find((i) => i.ref === 'quay.io/calico/node:v3.32.1')?.usedBy).toEqual(['calico']);
    expect(all.find((i) => i.ref.startsWith('docker.io/library/traefik'))?.usedBy).toEqual(['traefik']);
  });

  it('names the labs’ images: manifests, commands and the probes', () => {
    const netshoot = all.find((i) => i.ref === 'nicolaka/netshoot:v0.15');
    expect(netshoot?.upstream).toBe('docker.io');
    expect(netshoot?.usedBy).toContain('lab:dns');
    expect(refs).toContain('postgres:17.11-alpine');
    expect(refs).toContain('busybox:1.37.0');
    expect(refs).toContain('curlimages/curl:8.22.0');
    expect(all.find((i) => i.ref === 'postgres:17.11-alpine')?.usedBy).toEqual(['lab:netpol']);
  });

  it('lists each image once, sorted by upstream, and no Bitnami', () => {
    expect(new Set(refs).size).toBe(refs.length);
    expect(upstreamsOf(all)).toEqual(['docker.io', 'quay.io', 'registry.k8s.io']);
    expect(all[0]?.upstream).toBe('docker.io');
    expect(refs.some((r) => r.includes('bitnami'))).toBe(false);
    const twice = inventory(DEFAULT_PINS, [{ id: 'a', images: ['busybox:1.37.0', 'docker.io/library/busybox:1.37.0'] }]);
    expect(twice.filter((i) => i.ref.includes('busybox'))).toHaveLength(1);
  });

  it('adds pinned images the cached manifests name, and skips untagged ones', () => {
    const manifest = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers:\n      - image: docker.io/cloudnativelabs/kube-router\n      - image: ghcr.io/example/helper:v1\n';
    const withManifest = inventory(DEFAULT_PINS, [], new Map([['kube-router-generic', manifest]]));
    expect(withManifest.find((i) => i.ref === 'ghcr.io/example/helper:v1')?.usedBy).toEqual(['kube-router']);
    expect(withManifest.some((i) => i.ref === 'docker.io/cloudnativelabs/kube-router')).toBe(false);
    expect(manifestImages('kind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: "x:{{tag}}"}]}\n')).toEqual([]);
  });

  it('picks the images of one cluster’s choices', () => {
    const up = imagesFor(all, ['kube-router', 'traefik', 'metallb']);
    expect(up.some((i) => i.usedBy.includes('calico'))).toBe(false);
    expect(up.map((i) => i.ref)).toContain('quay.io/metallb/speaker:v0.16.1');
  });

  it('asks the registry by digest when there is one', () => {
    expect(registryPath('busybox:1.37.0')).toEqual({ path: 'library/busybox', reference: '1.37.0' });
    expect(registryPath(`registry.k8s.io/a/b:v1@sha256:${'1'.repeat(64)}`).reference).toBe(`sha256:${'1'.repeat(64)}`);
  });
});
