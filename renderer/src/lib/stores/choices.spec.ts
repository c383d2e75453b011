import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../api/contract.ts';
import { choiceSettings, differsFrom } from './choices.svelte.ts';

const PINNED = 'kindest/node:v1.35.8@sha256:07b2';
const built = { exists: true, cni: 'kube-router', ingress: 'traefik', nodeImage: 'kindlab.local/node:v1.35.8-rw1' } as ClusterStatus;

describe('advanced options', () => {
  it('send the picks, and the node image only when one is given', () => {
    expect(choiceSettings({ cni: 'kube-router', ingress: 'traefik', nodeImage: '  ' })).toEqual({ cni: 'kube-router', ingress: 'traefik' });
    expect(choiceSettings({ cni: 'calico', ingress: 'ingress-nginx', nodeImage: ' my/node:1 ' })).toEqual({ cni: 'calico', ingress: 'ingress-nginx', nodeImage: 'my/node:1' });
    // The image cache is on unless turned off, and only "off" travels.
    expect(choiceSettings({ cni: 'calico', ingress: 'traefik', nodeImage: '', imageCache: true })).toEqual({ cni: 'calico', ingress: 'traefik' });
    expect(choiceSettings({ cni: 'calico', ingress: 'traefik', nodeImage: '', imageCache: false })).toEqual({ cni: 'calico', ingress: 'traefik', imageCache: false });
  });

  it('say which picks an existing cluster does not run yet', () => {
    expect(differsFrom(built, { cni: 'kube-router', ingress: 'traefik', nodeImage: 'kindlab.local/node:v1.35.8-rw1' }, PINNED)).toEqual([]);
    expect(differsFrom(built, { cni: 'calico', ingress: 'traefik', nodeImage: '' }, PINNED)).toEqual(['cni', 'nodeImage']);
    expect(differsFrom({ ...built, exists: false }, { cni: 'calico', ingress: 'ingress-nginx', nodeImage: '' }, PINNED)).toEqual([]);
  });
});

describe('what the cluster screen names', () => {
  it("is the cluster's own choice once it exists, the picks before", async () => {
    const { shownChoices } = await import('./choices.svelte.ts');
    expect(shownChoices(built, { cni: 'calico', ingress: 'ingress-nginx' })).toEqual({ cni: 'kube-router', ingress: 'traefik' });
    expect(shownChoices(null, { cni: 'kube-router', ingress: 'ingress-nginx' })).toEqual({ cni: 'kube-router', ingress: 'ingress-nginx' });
    expect(shownChoices({ ...built, exists: false }, { cni: 'calico', ingress: 'traefik' })).toEqual({ cni: 'calico', ingress: 'traefik' });
  });
});
