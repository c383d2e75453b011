// Every version kindlab depends on at run time, in one place. Upstream manifests are fetched
// from these URLs and must match these sha256 values (computed from the release tags' files).
// Tests and air-gapped users point KINDLAB_PINS_FILE at a JSON file of the same shape.
import { readFileSync } from 'node:fs';
import type { VersionPins } from '../../api.ts';

export interface ManifestPin {
  /** Stable id used for the cache file name and the plan. */
  id: string;
  addon: 'calico' | 'ingress-nginx' | 'metallb';
  version: string;
  url: string;
  sha256: string;
}

export interface Pins {
  kind: { version: string; minimum: string; download: string };
  nodeImage: string;
  kubernetes: string;
  /** kubectl is supported within this many minor versions of the cluster (Kubernetes skew policy). */
  kubectlSkew: number;
  calico: { version: string; operatorImage: string };
  ingressNginx: { version: string };
  metallb: { version: string };
  manifests: ManifestPin[];
  images: { probe: string; netshoot: string };
}

export const DEFAULT_PINS: Pins = {
  kind: {
    version: '0.33.0',
    // 1.35 node images need kind >= 0.31 (cgroup v2 handling, image format). Older kinds fail.
    minimum: '0.31.0',
    download: 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-{os}-{arch}',
  },
  // Built for kind v0.33.0; the digest is what guarantees a matching image.
  nodeImage: 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
  kubernetes: '1.35.8',
  kubectlSkew: 1,
  calico: { version: 'v3.32.1', operatorImage: 'quay.io/tigera/operator:v1.42.3' },
  ingressNginx: { version: 'controller-v1.15.1' },
  metallb: { version: 'v0.16.1' },
  manifests: [
    {
      id: 'calico-operator-crds',
      addon: 'calico',
      version: 'v3.32.1',
      url: 'https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/operator-crds.yaml',
      sha256: '192f8b2d934ef24b62e86b7e1a6e1762d1c8af26a916f78057bc13fa5ed60f71',
    },
    {
      id: 'calico-tigera-operator',
      addon: 'calico',
      version: 'v3.32.1',
      url: 'https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/tigera-operator.yaml',
      sha256: 'f18e073794207d372606bc3ea6f8fd73972f86d6828f4ba666dfe0d4aa8ab07f',
    },
    {
      id: 'ingress-nginx-kind',
      addon: 'ingress-nginx',
      version: 'controller-v1.15.1',
      url: 'https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/kind/deploy.yaml',
      sha256: '2a3ae008c8786431115502644e77ab398fdebfb721a5d1195ed3089cde3299df',
    },
    {
      id: 'metallb-native',
      addon: 'metallb',
      version: 'v0.16.1',
      url: 'https://raw.githubusercontent.com/metallb/metallb/v0.16.1/config/manifests/metallb-native.yaml',
      sha256: 'bf25feebb7582ca7df845efd52ffbc2960d6cbf4cfc972f47fded9f788b67f0b',
    },
  ],
  images: {
    probe: 'curlimages/curl:8.22.0',
    netshoot: 'nicolaka/netshoot:v0.15',
  },
};

export function loadPins(env: NodeJS.ProcessEnv = process.env): Pins {
  const file = env.KINDLAB_PINS_FILE;
  if (!file) return DEFAULT_PINS;
  const override = JSON.parse(readFileSync(file, 'utf8')) as Partial<Pins>;
  return { ...DEFAULT_PINS, ...override };
}

export function versionPins(p: Pins): VersionPins {
  return {
    kind: `v${p.kind.version}`,
    nodeImage: p.nodeImage,
    kubernetes: `v${p.kubernetes}`,
    calico: p.calico.version,
    ingressNginx: p.ingressNginx.version,
    metallb: p.metallb.version,
  };
}
