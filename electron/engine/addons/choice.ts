// Which add-on serves each role of a cluster with these settings, and what an existing cluster
// really runs (its own objects say so: the settings may not be what it was built with).
import type { ClusterSettings, CniChoice, IngressChoice } from '../../api.ts';
import type { KubeClient } from '../kube/client.ts';
import { calicoAddon } from './calico.ts';
import { INGRESS_NS, ingressAddon } from './ingress.ts';
import { KUBE_ROUTER_DS, KUBE_ROUTER_NS, kubeRouterAddon } from './kube-router.ts';
import { metallbAddon, poolsAddon } from './metallb.ts';
import { TRAEFIK_DEPLOYMENT, TRAEFIK_NS, traefikAddon } from './traefik.ts';
import type { Addon } from './types.ts';

const CNI_ADDONS: Record<CniChoice, Addon> = { calico: calicoAddon, 'kube-router': kubeRouterAddon };
const INGRESS_ADDONS: Record<IngressChoice, Addon> = { 'ingress-nginx': ingressAddon, traefik: traefikAddon };

/** The add-ons in install order: the pod network first, then ingress and MetalLB (side by side), then the pools. */
export function addonsFor(settings: Pick<ClusterSettings, 'cni' | 'ingress'>): { cni: Addon; ingress: Addon; metallb: Addon; pools: Addon } {
  return { cni: CNI_ADDONS[settings.cni], ingress: INGRESS_ADDONS[settings.ingress], metallb: metallbAddon, pools: poolsAddon };
}

export interface Installed {
  cni?: CniChoice;
  ingress?: IngressChoice;
}

/** What the cluster runs, from the objects each choice leaves (nothing for a role not installed yet). */
export async function detectInstalled(client: KubeClient): Promise<Installed> {
  const [calico, kubeRouter, nginx, traefik] = await Promise.all([
    client.served('operator.tigera.io/v1', 'Installation').catch(() => false),
    client.get('apps/v1', 'DaemonSet', KUBE_ROUTER_DS, KUBE_ROUTER_NS).catch(() => null),
    client.get('apps/v1', 'Deployment', 'ingress-nginx-controller', INGRESS_NS).catch(() => null),
    client.get('apps/v1', 'Deployment', TRAEFIK_DEPLOYMENT, TRAEFIK_NS).catch(() => null),
  ]);
  return {
    ...(kubeRouter ? { cni: 'kube-router' as const } : calico ? { cni: 'calico' as const } : {}),
    ...(traefik ? { ingress: 'traefik' as const } : nginx ? { ingress: 'ingress-nginx' as const } : {}),
  };
}
