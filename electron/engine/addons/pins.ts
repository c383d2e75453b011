// Every version kindlab depends on at run time, in one place. Upstream manifests are fetched
// from these URLs and must match these sha256 values (computed from the release tags' files).
// Tests and air-gapped users point KINDLAB_PINS_FILE at a JSON file of the same shape.
import { readFileSync } from 'node:fs';
import type { AddonId, VersionPins } from '../../api.ts';

export interface ManifestPin {
  /** Stable id used for the cache file name and the plan. */
  id: string;
  addon: AddonId;
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
  kubeRouter: { version: string; image: string };
  ingressNginx: { version: string };
  traefik: { version: string; image: string };
  metallb: { version: string };
  manifests: ManifestPin[];
  images: { probe: string; netshoot: string };
  /** The registry every image cache runs (CNCF distribution v3), one container per upstream. */
  cacheImage: string;
  /** Every image each add-on runs once installed (the operator renders Calico's at run time). */
  addonImages: Record<AddonId, string[]>;
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
  // The upstream DaemonSet names its image without a tag (and pulls it Always): kindlab pins the tag.
  kubeRouter: { version: 'v2.1.0', image: 'docker.io/cloudnativelabs/kube-router:v2.1.0' },
  ingressNginx: { version: 'controller-v1.15.1' },
  traefik: { version: 'v3.6.12', image: 'docker.io/library/traefik:v3.6.12' },
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
    {
      // kube-router as CNI and NetworkPolicy firewall, kube-proxy left in charge of Services.
      id: 'kube-router-generic',
      addon: 'kube-router',
      version: 'v2.1.0',
      url: 'https://raw.githubusercontent.com/cloudnativelabs/kube-router/v2.1.0/daemonset/generic-kuberouter.yaml',
      sha256: 'a3db8badd67f32d1b8a8daf25b07b7d326f6560a8d8f6fcc81969e12243a03ff',
    },
    {
      // The RBAC of Traefik's ingress-nginx provider; kindlab writes the Deployment itself.
      id: 'traefik-ingress-nginx-rbac',
      addon: 'traefik',
      version: 'v3.6.12',
      url: 'https://raw.githubusercontent.com/traefik/traefik/v3.6.12/docs/content/reference/dynamic-configuration/kubernetes-ingress-nginx-rbac.yml',
      sha256: '0bb317ab43c2c0048b6868fd17b34bf016ada15d7df095674ebddece84018e55',
    },
  ],
  images: {
    probe: 'curlimages/curl:8.22.0',
    netshoot: 'nicolaka/netshoot:v0.15',
  },
  cacheImage: 'registry:3.0.0',
  addonImages: {
    calico: [
      'quay.io/tigera/operator:v1.42.3',
      ...['node', 'cni', 'pod2daemon-flexvol', 'typha', 'kube-controllers', 'csi', 'node-driver-registrar', 'apiserver'].map((c) => `quay.io/calico/${c}:v3.32.1`),
    ],
    'kube-router': ['docker.io/cloudnativelabs/kube-router:v2.1.0'],
    'ingress-nginx': [
      'registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1',
      'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd',
    ],
    traefik: ['docker.io/library/traefik:v3.6.12'],
    metallb: ['quay.io/metallb/controller:v0.16.1', 'quay.io/metallb/speaker:v0.16.1'],
  },
};

/** The built-in pins, with those of `file` (KINDLAB_PINS_FILE) over them. */
export function loadPins(file?: string): Pins {
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
    kubeRouter: p.kubeRouter.version,
    ingressNginx: p.ingressNginx.version,
    traefik: p.traefik.version,
    metallb: p.metallb.version,
  };
}
