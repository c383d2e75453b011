// Values the lab specs compare against, read from the recorded fixtures instead of copied out of
// them: a re-recording hands out other pod IPs, names and node ports, and the tests follow it.
// Each reader throws when the fixture lacks the field, so a test cannot pass on an `undefined`.
import type { KubeObject } from '../../../../electron/engine/kube/client.ts';
import { fixture } from './fake-kube.ts';

type Shaped = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`recorded fixture lacks ${what}`);
  return value;
}

/** The fixture's only (or first) object. */
export function recorded(name: string): Shaped {
  return need(fixture(name)[0], `an object in ${name}.json`) as Shaped;
}

/** status.podIP of every pod in the fixture, sorted as readyAddresses() sorts them. */
export function podIPs(name: string): string[] {
  return fixture(name)
    .map((p) => need((p as Shaped).status?.podIP as string | undefined, `status.podIP of ${p.metadata.name}`))
    .sort();
}

export function clusterIP(name: string): string {
  return need(recorded(name).spec?.clusterIP as string | undefined, `spec.clusterIP in ${name}.json`);
}

/** The node port of the Service's first port. */
export function nodePort(name: string): number {
  return need((recorded(name).spec?.ports as { nodePort?: number }[] | undefined)?.[0]?.nodePort, `spec.ports[0].nodePort in ${name}.json`);
}

/** The first LoadBalancer ingress IP, as MetalLB wrote it. */
export function loadBalancerIP(name: string): string {
  return need((recorded(name).status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress?.[0]?.ip, `status.loadBalancer.ingress[0].ip in ${name}.json`);
}

/** A node's InternalIP from the recorded NodeList. */
export function nodeInternalIP(node: string): string {
  const n = fixture('nodes').find((x) => x.metadata.name === node) as Shaped | undefined;
  return need((n?.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === 'InternalIP')?.address, `the InternalIP of ${node}`);
}
