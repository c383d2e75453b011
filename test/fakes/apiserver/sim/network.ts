// Service plumbing: the EndpointSlice controller (and the legacy Endpoints object), and the
// ingress controllers' (ingress-nginx or Traefik) status updates on Ingresses.
import { type Json, type KObj, deepEqual, randomSuffix } from '../util.ts';
import { type SimContext, isReady, isTerminal } from './context.ts';

const MANAGED_BY = 'endpointslice-controller.k8s.io';

/** A Service port's target on one pod: a number, or a named container port; null when the name is unknown. */
function resolveTargetPort(pod: KObj, svcPort: Json): number | null {
  const tp = svcPort.targetPort ?? svcPort.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(String(tp))) return Number(tp);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP')) return p.containerPort;
  }
  return null;
}

function selectedPods(ctx: SimContext, svc: KObj): KObj[] {
  const sel: Record<string, string> | undefined = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  return ctx.store
    .list('v1', 'Pod', svc.metadata.namespace)
    .filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
}

interface Group {
  ports: Json[];
  endpoints: Json[];
}

function groups(ctx: SimContext, svc: KObj): Group[] {
  const out = new Map<string, Group>();
  const publishAll = !!svc.spec?.publishNotReadyAddresses;
  for (const pod of selectedPods(ctx, svc)) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const ports: Json[] = [];
    for (const p of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(pod, p);
      if (port !== null) ports.push({ name: p.name ?? '', port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
    }
    const key = JSON.stringify(ports);
    const g = out.get(key) ?? { ports, endpoints: [] };
    const ready = publishAll || isReady(pod);
    g.endpoints.push({
      addresses: [ip],
      conditions: { ready, serving: ready, terminating: false },
      nodeName: pod.spec?.nodeName,
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    });
    out.set(key, g);
  }
  for (const g of out.values()) g.endpoints.sort((a, b) => String(a.addresses[0]).localeCompare(String(b.addresses[0])));
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
}

function reconcileService(ctx: SimContext, svc: KObj): void {
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const sliceType = ctx.store.type('discovery.k8s.io/v1', 'EndpointSlice');
  if (!sliceType) return;
  const existing = ctx.store
    .list('discovery.k8s.io/v1', 'EndpointSlice', ns)
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const managed = !!svc.spec?.selector && Object.keys(svc.spec.selector).length > 0 && svc.spec?.type !== 'ExternalName';
  if (!managed) {
    for (const s of existing) ctx.store.remove(sliceType, ns, s.metadata.name);
    return;
  }
  const want = groups(ctx, svc);
  const desired: Group[] = want.length ? want : [{ ports: [], endpoints: [] }];
  const labels = { ...(svc.metadata.labels ?? {}), 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY };
  desired.forEach((g, i) => {
    const body: Json = {
      addressType: 'IPv4',
      endpoints: g.endpoints,
      ports: g.ports.length ? g.ports : null,
    };
    const cur = existing[i];
    if (cur && deepEqual(cur.metadata.labels, labels) && deepEqual(cur.endpoints, body.endpoints) && deepEqual(cur.ports, body.ports)) return;
    if (cur) {
      ctx.store.update('discovery.k8s.io/v1', 'EndpointSlice', cur.metadata.name, ns, (s) => {
        s.metadata.labels = labels;
        Object.assign(s, body);
      });
    } else {
      ctx.create({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${name}-${randomSuffix()}`,
          generateName: `${name}-`,
          namespace: ns,
          labels,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
        },
        ...body,
      });
    }
  });
  for (const s of existing.slice(desired.length)) ctx.store.remove(sliceType, ns, s.metadata.name);

  // The legacy Endpoints object, still served (and still read by older tools).
  const subsets = want
    .map((g) => {
      const addr = (ready: boolean) =>
        g.endpoints.filter((e) => e.conditions.ready === ready).map((e) => ({ ip: e.addresses[0], nodeName: e.nodeName, targetRef: e.targetRef }));
      const ready = addr(true);
      const notReady = addr(false);
      return {
        ...(ready.length ? { addresses: ready } : {}),
        ...(notReady.length ? { notReadyAddresses: notReady } : {}),
        ports: g.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol })),
      };
    })
    .filter((s) => s.ports.length);
  const epLabels = { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
  const ep = ctx.store.get('v1', 'Endpoints', name, ns);
  if (ep && deepEqual(ep.metadata.labels, epLabels) && deepEqual(ep.subsets, subsets.length ? subsets : undefined)) return;
  if (ep) {
    ctx.store.update('v1', 'Endpoints', name, ns, (e) => {
      e.metadata.labels = epLabels;
      if (subsets.length) e.subsets = subsets;
      else delete e.subsets;
    });
  } else {
    ctx.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels: epLabels }, ...(subsets.length ? { subsets } : {}) });
  }
}

export function reconcileEndpoints(ctx: SimContext): void {
  const services = ctx.store.list('v1', 'Service');
  for (const svc of services) {
    if (!svc.spec?.selector || svc.spec?.type === 'ExternalName') continue;
    reconcileService(ctx, svc);
  }
  const epType = ctx.store.type('v1', 'Endpoints');
  for (const ep of ctx.store.list('v1', 'Endpoints')) {
    if (ep.metadata.labels?.['endpoints.kubernetes.io/managed-by'] !== 'endpoint-controller') continue;
    if (!services.some((s) => s.metadata.namespace === ep.metadata.namespace && s.metadata.name === ep.metadata.name) && epType) {
      ctx.store.remove(epType, ep.metadata.namespace, ep.metadata.name);
    }
  }
}

// ── ingress controllers: ingress-nginx, or Traefik with its ingress-nginx provider ──

export type IngressFlavor = 'ingress-nginx' | 'traefik';

/** Where each controller runs and how its pods are labelled (the product's install of each). */
const CONTROLLERS: Record<IngressFlavor, { namespace: string; name: string }> = {
  'ingress-nginx': { namespace: 'ingress-nginx', name: 'ingress-nginx' },
  traefik: { namespace: 'traefik', name: 'traefik' },
};

/** Which controller a pod is (by namespace and labels), or null for any other pod. */
function controllerFlavor(pod: KObj): IngressFlavor | null {
  for (const [flavor, c] of Object.entries(CONTROLLERS) as [IngressFlavor, { namespace: string; name: string }][]) {
    if (pod.metadata.namespace === c.namespace && pod.metadata.labels?.['app.kubernetes.io/component'] === 'controller' && pod.metadata.labels?.['app.kubernetes.io/name'] === c.name) return flavor;
  }
  return null;
}

/** A Ready controller pod of that flavor (ingress-nginx when none is named). */
function ingressController(ctx: SimContext, flavor: IngressFlavor = 'ingress-nginx'): KObj | undefined {
  return ctx.store.list('v1', 'Pod', CONTROLLERS[flavor].namespace).find((p) => controllerFlavor(p) === flavor && isReady(p));
}

/** Whether the nginx controller takes an Ingress: class nginx, or no class (--watch-ingress-without-class). */
function servedByNginx(ing: KObj): boolean {
  const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.['kubernetes.io/ingress.class'];
  return cls === undefined || cls === 'nginx';
}

/**
 * Whether Traefik's ingress-nginx provider (ingressClass nginx, controllerClass
 * k8s.io/ingress-nginx, watchIngressWithoutClass off, its defaults and kindlab's flags) takes an
 * Ingress: its ingressClassName names an IngressClass of that controller class, or its
 * kubernetes.io/ingress.class annotation says nginx. An Ingress without a class is not served.
 */
function servedByTraefik(ctx: SimContext, ing: KObj): boolean {
  const name = ing.spec?.ingressClassName;
  if (name !== undefined) return ctx.store.get('networking.k8s.io/v1', 'IngressClass', String(name))?.spec?.controller === 'k8s.io/ingress-nginx';
  return ing.metadata.annotations?.['kubernetes.io/ingress.class'] === 'nginx';
}

export function servedBy(ctx: SimContext, flavor: IngressFlavor, ing: KObj): boolean {
  return flavor === 'traefik' ? servedByTraefik(ctx, ing) : servedByNginx(ing);
}

/** The status each running controller writes: ADDRESS localhost (both publish it, as kind's ingress-nginx manifest does). */
export function reconcileIngresses(ctx: SimContext): void {
  const nginx = !!ingressController(ctx, 'ingress-nginx');
  const traefik = !!ingressController(ctx, 'traefik');
  for (const ing of ctx.store.list('networking.k8s.io/v1', 'Ingress')) {
    const byNginx = nginx && servedByNginx(ing);
    const served = byNginx || (traefik && servedByTraefik(ctx, ing));
    const want = served ? { loadBalancer: { ingress: [{ hostname: 'localhost' }] } } : { loadBalancer: {} };
    ctx.store.setStatus('networking.k8s.io/v1', 'Ingress', ing.metadata.name, ing.metadata.namespace, want);
    // ingress-nginx records a Sync event per Ingress; Traefik records none.
    if (byNginx && ctx.once(`ing-sync:${ing.metadata.uid}`)) ctx.event(ing, 'Normal', 'Sync', 'Scheduled for sync', 'nginx-ingress-controller');
  }
}
