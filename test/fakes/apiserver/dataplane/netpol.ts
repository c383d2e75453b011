// NetworkPolicy, as Calico and kube-router enforce it: a pod selected by a policy of the right
// type accepts (or sends) only traffic that some rule allows (how the rest is stopped, dropped or
// rejected, is net.ts's business). Peers in one `from`/`to` list are ORed; a
// podSelector and a namespaceSelector in the same peer are ANDed; an ipBlock matches addresses
// (pod addresses too, as Calico does). Ports may be numbers, ranges (endPort) or names. A pod the
// CNI has not taken in yet (`admitted`, see programming.ts) matches no selector peer and is not
// held to its own policies.
import type { FakeStore } from '../store.ts';
import { type Json, type KObj, inCidr, matchesSelectorObj } from '../util.ts';

export interface Peer {
  ip: string;
  /** The peer pod, when the traffic comes from (or goes to) a pod network endpoint. */
  pod?: KObj;
}

export type Direction = 'Ingress' | 'Egress';

function namedPort(pod: KObj | undefined, name: string, proto: string): number | null {
  for (const c of pod?.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  return null;
}

function peerMatches(store: FakeStore, policy: KObj, peer: Json, other: Peer, admitted: (pod: KObj) => boolean): boolean {
  if (peer.ipBlock) {
    const cidr = String(peer.ipBlock.cidr ?? '');
    return inCidr(other.ip, cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(other.ip, e));
  }
  if (!other.pod || !admitted(other.pod)) return false;
  const podNs = other.pod.metadata.namespace ?? 'default';
  const nsOk = peer.namespaceSelector
    ? matchesSelectorObj(peer.namespaceSelector, store.get('v1', 'Namespace', podNs)?.metadata.labels)
    : podNs === (policy.metadata.namespace ?? 'default');
  const podOk = peer.podSelector ? matchesSelectorObj(peer.podSelector, other.pod.metadata.labels) : true;
  return nsOk && podOk;
}

function portMatches(rulePort: Json, port: number, proto: string, destination: KObj | undefined): boolean {
  if ((rulePort.protocol ?? 'TCP') !== proto) return false;
  if (rulePort.port === undefined || rulePort.port === null) return true;
  if (typeof rulePort.port === 'number') {
    const end = rulePort.endPort ?? rulePort.port;
    return port >= rulePort.port && port <= end;
  }
  if (/^\d+$/.test(String(rulePort.port))) return Number(rulePort.port) === port;
  return namedPort(destination, String(rulePort.port), proto) === port;
}

/** Policies in the subject's namespace that select it for this direction (and that the CNI enforces already). */
function policiesFor(store: FakeStore, subject: KObj, direction: Direction, enforced: (np: KObj) => boolean = () => true): KObj[] {
  return store
    .list('networking.k8s.io/v1', 'NetworkPolicy', subject.metadata.namespace)
    .filter((np) => matchesSelectorObj(np.spec?.podSelector ?? {}, subject.metadata.labels) && (np.spec?.policyTypes ?? ['Ingress']).includes(direction) && enforced(np));
}

/**
 * Whether `subject` may receive traffic from `other` (Ingress) or send it to `other` (Egress)
 * on port/proto. Unselected pods allow everything; `enforced` leaves out policies the CNI has
 * not programmed yet, `admitted` pods it has not taken in yet.
 */
export function policyAllows(store: FakeStore, direction: Direction, subject: KObj, other: Peer, port: number, proto = 'TCP', enforced?: (np: KObj) => boolean, admitted: (pod: KObj) => boolean = () => true): boolean {
  if (!admitted(subject)) return true;
  const policies = policiesFor(store, subject, direction, enforced);
  if (policies.length === 0) return true;
  const destination = direction === 'Ingress' ? subject : other.pod;
  return policies.some((np) =>
    ((direction === 'Ingress' ? np.spec?.ingress : np.spec?.egress) ?? []).some((rule: Json) => {
      const peers: Json[] | undefined = direction === 'Ingress' ? rule?.from : rule?.to;
      const peersOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(store, np, p, other, admitted));
      const ports: Json[] | undefined = rule?.ports;
      const portsOk = !ports || ports.length === 0 || ports.some((p) => portMatches(p, port, proto, destination));
      return peersOk && portsOk;
    }),
  );
}
