// What the learner picks under "Advanced options" for the next build: the pod network, the
// ingress controller, the node image and whether the image cache is used. Remembered between
// visits. A cluster that exists keeps what it was built with: "Build again" sends no choice (the
// engine uses the cluster's own), and only a full reset (or a build after Delete) applies a new one.
import type { ClusterSettings, ClusterStatus, CniChoice, IngressChoice } from '../api/contract.ts';
import { loadPref, savePref } from '../persist/prefs.ts';

const CNIS: readonly CniChoice[] = ['calico', 'kube-router'];
const INGRESSES: readonly IngressChoice[] = ['ingress-nginx', 'traefik'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The names the UI shows for each choice. */
export const CNI_NAMES: Record<CniChoice, string> = { calico: 'Calico', 'kube-router': 'kube-router' };
export const INGRESS_NAMES: Record<IngressChoice, string> = { 'ingress-nginx': 'ingress-nginx', traefik: 'Traefik' };

/** Pure: what the cluster screen speaks of: the cluster's own choices once it exists, the picks before. */
export function shownChoices(status: ClusterStatus | null, p: { cni: CniChoice; ingress: IngressChoice }): { cni: CniChoice; ingress: IngressChoice } {
  return status?.exists ? { cni: status.cni, ingress: status.ingress } : { cni: p.cni, ingress: p.ingress };
}

/** Pure: the settings a request carries for these picks (an empty node image means the pinned one). */
export function choiceSettings(p: { cni: CniChoice; ingress: IngressChoice; nodeImage: string; imageCache?: boolean }): Partial<ClusterSettings> {
  const image = p.nodeImage.trim();
  // The cache is on unless turned off: only "off" is worth saying.
  return { cni: p.cni, ingress: p.ingress, ...(image ? { nodeImage: image } : {}), ...(p.imageCache === false ? { imageCache: false } : {}) };
}

/** Pure: which picks differ from what an existing cluster runs (they take effect with a full reset). */
export function differsFrom(status: ClusterStatus | null, p: { cni: CniChoice; ingress: IngressChoice; nodeImage: string }, pinnedImage: string): string[] {
  if (!status?.exists) return [];
  const image = p.nodeImage.trim() || pinnedImage;
  return [status.cni !== p.cni ? 'cni' : null, status.ingress !== p.ingress ? 'ingress' : null, pinnedImage && status.nodeImage !== image ? 'nodeImage' : null].filter((x): x is string => x !== null);
}

class ChoicesStore {
  cni = $state<CniChoice>(oneOf(loadPref('cluster.cni'), CNIS, 'calico'));
  ingress = $state<IngressChoice>(oneOf(loadPref('cluster.ingress'), INGRESSES, 'ingress-nginx'));
  nodeImage = $state<string>(loadPref('cluster.nodeImage') ?? '');
  imageCache = $state<boolean>(loadPref('cluster.imageCache') !== '0');
  /** The picks were taken from a cluster once, so an existing cluster shows what it runs. */
  private synced = false;

  save(): void {
    savePref('cluster.cni', this.cni);
    savePref('cluster.ingress', this.ingress);
    savePref('cluster.nodeImage', this.nodeImage.trim());
    savePref('cluster.imageCache', this.imageCache ? '1' : '0');
  }

  /** The first time a built cluster is seen, the panel starts from what it runs. */
  adopt(status: ClusterStatus | null, pinnedImage: string): void {
    if (this.synced || !status?.exists) return;
    this.synced = true;
    this.cni = status.cni;
    this.ingress = status.ingress;
    this.nodeImage = status.nodeImage === pinnedImage ? '' : status.nodeImage;
  }

  settings(): Partial<ClusterSettings> {
    return choiceSettings(this);
  }
}

export const choices = new ChoicesStore();
