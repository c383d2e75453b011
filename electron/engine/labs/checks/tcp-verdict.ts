// What a TCP probe's outcome means once the path is known. CNIs block in two ways: Calico drops
// the packet (the client waits and times out), kube-router rejects it (an ICMP port-unreachable,
// which nc reports as "connection refused"). A drop is always a block. A refusal is ambiguous,
// because a pod's kernel refuses a port nobody listens on in exactly the same words. So a
// refusal counts as a block only where something listens (the pod declares the port, and the
// lab's baseline showed it answering) and a policy is in the way (one selects the target for
// Ingress or the client for Egress). Pure, so both CNIs' readings are tested without a cluster.
import type { KubeObject } from '../../kube/client.ts';
import type { TcpOutcome } from '../probe-output.ts';
import type { ServicePort } from './cluster-facts.ts';

export type TcpExpect = 'open' | 'blocked' | 'refused';

/** open: answered; dropped: timed out; rejected: refused by a policy; closed: refused, nothing listening; unknown: the probe failed. */
export type TcpReading = 'open' | 'dropped' | 'rejected' | 'closed' | 'unknown';

export interface TcpPathFacts {
  /** The target pod declares a TCP container port for this connection. */
  listener: boolean;
  /** A NetworkPolicy selects the target for Ingress or the client for Egress. */
  policy: boolean;
}

export function readTcp(outcome: TcpOutcome, facts: TcpPathFacts): TcpReading {
  if (outcome === 'open') return 'open';
  if (outcome === 'blocked') return 'dropped';
  if (outcome === 'refused') return facts.listener && facts.policy ? 'rejected' : 'closed';
  return 'unknown';
}

export function meetsTcp(expect: TcpExpect, reading: TcpReading): boolean {
  if (expect === 'open') return reading === 'open';
  if (expect === 'blocked') return reading === 'dropped' || reading === 'rejected';
  return reading === 'closed';
}

type ContainerPort = { name?: string; containerPort?: number; protocol?: string };

function declaredPorts(pod: KubeObject): ContainerPort[] {
  const containers = (pod.spec as { containers?: { ports?: ContainerPort[] }[] } | undefined)?.containers ?? [];
  return containers.flatMap((c) => c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
}

/**
 * Whether the pod declares a listener for a connection to `port`: on the pod itself that port;
 * through a Service, the targetPort (a number or a container port's name) of the Service port.
 */
export function declaresListener(pod: KubeObject | undefined, port: number, servicePorts?: ServicePort[]): boolean {
  if (!pod) return false;
  const declared = declaredPorts(pod);
  if (!servicePorts) return declared.some((p) => p.containerPort === port);
  const sp = servicePorts.find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
  if (!sp) return false;
  const target = sp.targetPort ?? sp.port;
  return typeof target === 'number' || /^\d+$/.test(String(target)) ? declared.some((p) => p.containerPort === Number(target)) : declared.some((p) => p.name === target);
}
