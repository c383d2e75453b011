// What exists of a named kind cluster, from `kind get clusters` and the labelled containers.
// Names are compared exactly: "cluster01" must not match "cluster012" (the grep trap of
// antrea#6838).
import type { KindNodeContainer } from './parse.ts';

export interface ClusterState {
  /** kind lists the name. */
  listed: boolean;
  /** Node containers labelled with the name. */
  nodes: KindNodeContainer[];
  /** A control-plane and a worker both exist: the shape kindlab builds. */
  complete: boolean;
  /** Other kind clusters on this engine. */
  others: string[];
}

export function clusterState(name: string, clusters: string[] | null, containers: KindNodeContainer[] | null): ClusterState {
  const nodes = (containers ?? []).filter((c) => c.cluster === name);
  const roles = new Set(nodes.map((n) => n.role));
  const names = new Set([...(clusters ?? []), ...(containers ?? []).map((c) => c.cluster)]);
  names.delete(name);
  return {
    listed: (clusters ?? []).includes(name),
    nodes,
    complete: roles.has('control-plane') && roles.has('worker'),
    others: [...names].sort(),
  };
}
