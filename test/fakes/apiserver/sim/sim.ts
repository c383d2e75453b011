// The cluster's controllers, run as one level-triggered loop: every store change schedules a
// pass; each pass reconciles everything and writes only what differs, so the loop settles
// once the world is consistent. Timed transitions re-run it through SimContext.after().
import type { Scenario, Timings } from '../../scenario.ts';
import type { Admission, ClusterInfo } from '../admission.ts';
import type { FakeStore } from '../store.ts';
import { reconcileProgramming } from '../dataplane/programming.ts';
import { reconcileCalico } from './calico.ts';
import { SimContext } from './context.ts';
import { reconcileMetallb } from './metallb.ts';
import { reconcileEndpoints, reconcileIngresses } from './network.ts';
import { reconcileNodes } from './nodes.ts';
import { reconcilePods } from './pods.ts';
import { type SeedRequest, seedCluster } from './seed.ts';
import { reconcileWorkloads } from './workloads.ts';

function reconcileNamespaces(ctx: SimContext): void {
  const nsType = ctx.store.type('v1', 'Namespace');
  for (const ns of ctx.store.list('v1', 'Namespace')) {
    const name = ns.metadata.name;
    if (ns.metadata.deletionTimestamp) {
      ctx.store.purgeNamespace(name);
      if (nsType && ctx.after(`nsdel:${ns.metadata.uid}`, ctx.timings().namespaceDeleteMs)) ctx.store.remove(nsType, undefined, name);
      continue;
    }
    if (!ctx.store.get('v1', 'ServiceAccount', 'default', name)) ctx.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    if (!ctx.store.get('v1', 'ConfigMap', 'kube-root-ca.crt', name)) {
      ctx.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nZmFrZSBrdWJlbGFiIGNsdXN0ZXIgQ0E=\n-----END CERTIFICATE-----\n' },
      });
    }
  }
}

export class Sim {
  readonly ctx: SimContext;
  private pending = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  private passes: number[] = [];
  private warned = false;

  constructor(store: FakeStore, admission: Admission, scenario: () => Scenario, timings: () => Timings, cluster: () => ClusterInfo | null) {
    this.ctx = new SimContext(store, admission, scenario, timings, cluster, () => this.kick());
    this.unsubscribe = store.subscribe(() => this.kick());
  }

  kick(): void {
    if (this.stopped || this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.reconcile();
    });
  }

  seed(req: SeedRequest, info: ClusterInfo): void {
    this.ctx.reset();
    seedCluster(this.ctx, req, info);
    this.kick();
  }

  setNodeRunning(name: string, running: boolean): void {
    if (running) this.ctx.nodesDown.delete(name);
    else this.ctx.nodesDown.add(name);
    this.kick();
  }

  reset(): void {
    this.ctx.reset();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.ctx.reset();
  }

  private reconcile(): void {
    if (this.stopped || !this.ctx.cluster()) return;
    const now = Date.now();
    this.passes = this.passes.filter((t) => now - t < 1000);
    this.passes.push(now);
    if (this.passes.length > 3000 && !this.warned) {
      this.warned = true;
      console.warn('fake apiserver: the simulation does not settle (more than 3000 passes a second)');
    }
    const ctx = this.ctx;
    try {
      reconcileNamespaces(ctx);
      reconcileCalico(ctx);
      reconcileWorkloads(ctx);
      reconcilePods(ctx);
      reconcileNodes(ctx);
      reconcileEndpoints(ctx);
      reconcileMetallb(ctx);
      reconcileIngresses(ctx);
      reconcileProgramming(ctx);
    } catch (err) {
      console.error('fake apiserver: simulation error:', err);
    }
  }
}
