// What the API server does to an object between decoding and storage: defaulting, validation,
// Service IP and node-port allocation, and validating admission webhooks (including the
// "failed calling webhook" refusal while a webhook's Service has no ready endpoints).
import type { ResourceType } from './registry.ts';
import type { FakeStore } from './store.ts';
import { ApiError, type Json, type KObj, cidrRange, intToIp, invalid, ipToInt, isMap, matchesSelectorObj } from './util.ts';

export interface ClusterInfo {
  name: string;
  token: string;
  podSubnet: string;
  serviceSubnet: string;
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUB = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function nameProblem(t: ResourceType, name: string): string | null {
  if (t.group === '' && t.plural === 'services') {
    return DNS1035.test(name) && name.length <= 63
      ? null
      : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  }
  if (t.group === '' && t.plural === 'namespaces') {
    return DNS1123_LABEL.test(name) && name.length <= 63
      ? null
      : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
  if (t.group === 'rbac.authorization.k8s.io' || t.plural === 'events') return null;
  return DNS1123_SUB.test(name) && name.length <= 253
    ? null
    : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
}

// ───────────── defaulting ─────────────

function defaultContainer(c: Json): void {
  const image = String(c.image ?? '');
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  c.imagePullPolicy ??= tag === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

function defaultPodSpec(spec: Json): void {
  if (!isMap(spec)) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function defaultTemplate(spec: Json): void {
  if (isMap(spec?.template)) {
    spec.template.metadata ??= {};
    defaultPodSpec(spec.template.spec);
  }
}

function defaultObject(t: ResourceType, obj: KObj, creating: boolean): void {
  const spec = obj.spec;
  switch (`${t.group}/${t.kind}`) {
    case '/Namespace':
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      if (creating) obj.status = { phase: 'Active' };
      break;
    case '/Pod':
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      obj.spec.serviceAccountName ??= 'default';
      obj.spec.enableServiceLinks ??= true;
      obj.spec.priority ??= 0;
      obj.spec.preemptionPolicy ??= 'PreemptLowerPriority';
      obj.spec.tolerations ??= [];
      for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
        if (!obj.spec.tolerations.some((x: Json) => x.key === key || (x.operator === 'Exists' && !x.key))) {
          obj.spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
        }
      }
      if (creating) obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case 'apps/Deployment':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      obj.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.progressDeadlineSeconds ??= 600;
      defaultTemplate(obj.spec);
      break;
    case 'apps/ReplicaSet':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      defaultTemplate(obj.spec);
      break;
    case 'apps/DaemonSet':
      obj.spec ??= {};
      obj.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      obj.spec.revisionHistoryLimit ??= 10;
      defaultTemplate(obj.spec);
      break;
    case 'apps/StatefulSet':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      obj.spec.podManagementPolicy ??= 'OrderedReady';
      obj.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultTemplate(obj.spec);
      break;
    case 'batch/Job': {
      obj.spec ??= {};
      obj.spec.parallelism ??= 1;
      obj.spec.completions ??= 1;
      obj.spec.backoffLimit ??= 6;
      obj.spec.completionMode ??= 'NonIndexed';
      obj.spec.suspend ??= false;
      obj.spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      const uid = obj.metadata.uid ?? '';
      if (creating && !obj.spec.manualSelector) {
        obj.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        obj.spec.template ??= {};
        obj.spec.template.metadata ??= {};
        obj.spec.template.metadata.labels = {
          ...(obj.spec.template.metadata.labels ?? {}),
          'batch.kubernetes.io/controller-uid': uid,
          'batch.kubernetes.io/job-name': obj.metadata.name,
          'controller-uid': uid,
          'job-name': obj.metadata.name,
        };
      }
      defaultTemplate(obj.spec);
      break;
    }
    case 'networking.k8s.io/NetworkPolicy':
      if (isMap(spec)) {
        spec.podSelector ??= {};
        spec.policyTypes ??= ['Ingress', ...(spec.egress ? ['Egress'] : [])];
        for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule?.ports ?? []) p.protocol ??= 'TCP';
      }
      break;
    default:
      break;
  }
}

/** Applies `default:` values of a CRD's structural schema to the fields present around them. */
function schemaDefaults(value: Json, schema: Json): void {
  if (!isMap(schema)) return;
  if (Array.isArray(value)) {
    for (const item of value) schemaDefaults(item, schema.items);
    return;
  }
  if (!isMap(value) || !isMap(schema.properties)) return;
  for (const [k, sub] of Object.entries(schema.properties as Record<string, Json>)) {
    if (value[k] === undefined && isMap(sub) && sub.default !== undefined) value[k] = JSON.parse(JSON.stringify(sub.default));
    if (value[k] !== undefined) schemaDefaults(value[k], sub);
  }
}

// ───────────── validation ─────────────

function validate(t: ResourceType, obj: KObj, old: KObj | undefined): { field: string; message: string }[] {
  const causes: { field: string; message: string }[] = [];
  const spec = obj.spec ?? {};
  switch (`${t.group}/${t.kind}`) {
    case '/Pod':
      if (!Array.isArray(spec.containers) || spec.containers.length === 0) causes.push({ field: 'spec.containers', message: 'Required value' });
      (spec.containers ?? []).forEach((c: Json, i: number) => {
        if (!c?.name) causes.push({ field: `spec.containers[${i}].name`, message: 'Required value' });
        if (!c?.image) causes.push({ field: `spec.containers[${i}].image`, message: 'Required value' });
      });
      break;
    case 'apps/Deployment':
    case 'apps/DaemonSet':
    case 'apps/StatefulSet':
    case 'apps/ReplicaSet': {
      const labels = spec.template?.metadata?.labels ?? {};
      if (!spec.selector) causes.push({ field: 'spec.selector', message: 'Required value' });
      else if (!matchesSelectorObj(spec.selector, labels)) {
        causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\`` });
      }
      if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(spec.selector)) {
        causes.push({ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable` });
      }
      break;
    }
    case 'networking.k8s.io/Ingress':
      (spec.rules ?? []).forEach((r: Json, i: number) =>
        (r?.http?.paths ?? []).forEach((p: Json, j: number) => {
          if (!p?.pathType) causes.push({ field: `spec.rules[${i}].http.paths[${j}].pathType`, message: 'Required value: pathType must be specified' });
        }),
      );
      break;
    default:
      break;
  }
  return causes;
}

function goMap(m: Record<string, string>): string {
  return `map[string]string{${Object.entries(m)
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`;
}

// ───────────── webhooks ─────────────

interface Refusals {
  take(webhookName: string): boolean;
}

function ruleMatches(rule: Json, t: ResourceType, version: string, op: string): boolean {
  const any = (list: Json, v: string) => Array.isArray(list) && (list.includes('*') || list.includes(v));
  return any(rule.apiGroups, t.group) && any(rule.apiVersions, version) && any(rule.resources, t.plural) && any(rule.operations, op);
}

/** Parses a MetalLB address entry: a CIDR or an "a-b" range. Returns a message when invalid. */
function poolAddressProblem(entry: string): string | null {
  const e = entry.trim();
  if (e.includes('-')) {
    const [a, b] = e.split('-').map((x) => x.trim());
    if (ipToInt(a ?? '') === null) return `invalid IP range "${e}": invalid start IP "${a}"`;
    if (ipToInt(b ?? '') === null) return `invalid IP range "${e}": invalid end IP "${b}"`;
    if ((ipToInt(a ?? '') ?? 0) > (ipToInt(b ?? '') ?? 0)) return `invalid IP range "${e}": start IP "${a}" is after the end IP "${b}"`;
    return null;
  }
  return cidrRange(e) ? null : `invalid CIDR "${e}"`;
}

export class Admission {
  constructor(
    private readonly store: FakeStore,
    private readonly cluster: () => ClusterInfo | null,
    private readonly refusals: Refusals,
  ) {}

  /** Defaults, validates and allocates; throws ApiError. `old` is set for updates. */
  prepare(t: ResourceType, obj: KObj, old: KObj | undefined): void {
    const problem = nameProblem(t, obj.metadata.name);
    if (problem) throw invalid(t.kind, t.group, obj.metadata.name, [{ field: 'metadata.name', message: `Invalid value: "${obj.metadata.name}": ${problem}` }]);
    if (t.custom) schemaDefaults(obj, t.schemas?.[t.versions[0] ?? ''] ?? Object.values(t.schemas ?? {})[0]);
    defaultObject(t, obj, !old);
    if (t.group === '' && t.plural === 'services') this.prepareService(obj, old);
    const causes = validate(t, obj, old);
    if (causes.length) throw invalid(t.kind, t.group, obj.metadata.name, causes);
  }

  private usedClusterIPs(except: KObj | undefined): Set<string> {
    const used = new Set<string>();
    for (const s of this.store.list('v1', 'Service')) {
      if (except && s.metadata.uid === except.metadata.uid) continue;
      for (const ip of s.spec?.clusterIPs ?? []) used.add(ip);
    }
    return used;
  }

  private usedNodePorts(except: KObj | undefined): Set<number> {
    const used = new Set<number>();
    for (const s of this.store.list('v1', 'Service')) {
      if (except && s.metadata.uid === except.metadata.uid) continue;
      for (const p of s.spec?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
    }
    return used;
  }

  private prepareService(svc: KObj, old: KObj | undefined): void {
    const spec = (svc.spec ??= {});
    const name = svc.metadata.name;
    const fail = (field: string, message: string) => {
      throw invalid('Service', '', name, [{ field, message }]);
    };
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    const ports: Json[] = (spec.ports ??= []);
    if (spec.type !== 'ExternalName' && ports.length === 0) fail('spec.ports', 'Required value');
    ports.forEach((p, i) => {
      p.protocol ??= 'TCP';
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) fail(`spec.ports[${i}].port`, `Invalid value: ${JSON.stringify(p.port)}: must be between 1 and 65535, inclusive`);
      p.targetPort ??= p.port;
      if (ports.length > 1 && !p.name) fail(`spec.ports[${i}].name`, 'Required value');
    });
    if (spec.type === 'ExternalName') {
      if (!spec.externalName) fail('spec.externalName', 'Required value');
      delete spec.clusterIP;
      delete spec.clusterIPs;
      return;
    }
    // Cluster IP: kept from the live object, checked when asked for, else allocated.
    const range = cidrRange(this.cluster()?.serviceSubnet ?? '10.96.0.0/16') ?? [0, 0];
    const oldIP: string | undefined = old?.spec?.clusterIP;
    const wanted: string | undefined = spec.clusterIP ?? spec.clusterIPs?.[0];
    if (oldIP && wanted && wanted !== oldIP) fail('spec.clusterIPs[0]', `Invalid value: "${wanted}": may not change once set`);
    let ip = oldIP ?? wanted;
    if (ip && ip !== 'None' && !oldIP) {
      const n = ipToInt(ip);
      if (n === null || n < range[0] || n > range[1]) {
        fail('spec.clusterIPs', `Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cluster()?.serviceSubnet ?? '10.96.0.0/16'}`);
      }
      if (this.usedClusterIPs(old).has(ip)) fail('spec.clusterIPs', `Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`);
    }
    if (!ip) {
      const used = this.usedClusterIPs(old);
      for (let tries = 0; tries < 100_000 && !ip; tries++) {
        const n = range[0] + 2 + Math.floor(Math.random() * Math.max(1, range[1] - range[0] - 3));
        const cand = intToIp(n);
        if (!used.has(cand) && (n & 255) !== 10 && (n & 255) !== 1) ip = cand;
      }
    }
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
    // Node ports for NodePort and LoadBalancer Services.
    const wantsNodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    else {
      delete spec.externalTrafficPolicy;
      delete spec.allocateLoadBalancerNodePorts;
    }
    const used = this.usedNodePorts(old);
    ports.forEach((p, i) => {
      if (!wantsNodePorts) {
        delete p.nodePort;
        return;
      }
      if (p.nodePort === undefined) {
        const prev = (old?.spec?.ports ?? []).find((o: Json) => o.port === p.port && (o.protocol ?? 'TCP') === p.protocol);
        if (prev?.nodePort) p.nodePort = prev.nodePort;
      }
      if (p.nodePort !== undefined) {
        if (p.nodePort < 30000 || p.nodePort > 32767) fail(`spec.ports[${i}].nodePort`, `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767`);
        if (used.has(p.nodePort)) fail(`spec.ports[${i}].nodePort`, `Invalid value: ${p.nodePort}: provided port is already allocated`);
      } else {
        let n = 0;
        do n = 30000 + Math.floor(Math.random() * 2768);
        while (used.has(n));
        p.nodePort = n;
      }
      used.add(p.nodePort);
    });
    if (spec.type !== 'LoadBalancer' && svc.status?.loadBalancer?.ingress) svc.status = { loadBalancer: {} };
    svc.status ??= { loadBalancer: {} };
  }

  /** Runs the validating webhooks that match; throws the API server's error on refusal or denial. */
  webhooks(t: ResourceType, version: string, op: 'CREATE' | 'UPDATE', obj: KObj): void {
    for (const cfg of this.store.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration')) {
      for (const wh of cfg.webhooks ?? []) {
        if (!(wh.rules ?? []).some((r: Json) => ruleMatches(r, t, version, op))) continue;
        if (wh.objectSelector && !matchesSelectorObj(wh.objectSelector, obj.metadata.labels, true)) continue;
        const svcRef = wh.clientConfig?.service;
        if (!svcRef) continue;
        const ready = this.serviceReady(svcRef.namespace, svcRef.name);
        const forced = this.refusals.take(wh.name);
        if (!ready || forced) {
          if (wh.failurePolicy === 'Ignore') continue;
          const svc = this.store.get('v1', 'Service', svcRef.name, svcRef.namespace);
          const port = svcRef.port ?? 443;
          const url = `https://${svcRef.name}.${svcRef.namespace}.svc:${port}${svcRef.path ?? ''}?timeout=${wh.timeoutSeconds ?? 10}s`;
          const tail = svc
            ? `dial tcp ${svc.spec?.clusterIP}:${port}: connect: connection refused`
            : `service "${svcRef.name}" not found`;
          throw new ApiError(500, 'InternalError', `Internal error occurred: failed calling webhook "${wh.name}": failed to call webhook: Post "${url}": ${tail}`, {
            causes: [{ message: `failed calling webhook "${wh.name}": failed to call webhook: Post "${url}": ${tail}` }],
          });
        }
        const denial = this.validateFor(wh.name, obj);
        if (denial) throw new ApiError(400, 'BadRequest', `admission webhook "${wh.name}" denied the request: ${denial}`);
      }
    }
  }

  /** Whether a Service has at least one ready endpoint (what the API server's webhook client needs). */
  serviceReady(namespace: string, name: string): boolean {
    return this.store
      .list('discovery.k8s.io/v1', 'EndpointSlice', namespace)
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name)
      .some((s) => (s.endpoints ?? []).some((e: Json) => e.conditions?.ready !== false));
  }

  /** The add-ons' own validation, once their webhook answers. */
  private validateFor(webhook: string, obj: KObj): string | null {
    if (webhook.startsWith('ipaddresspoolvalidationwebhook')) {
      for (const a of obj.spec?.addresses ?? []) {
        const p = poolAddressProblem(String(a));
        if (p) return p;
      }
      return null;
    }
    if (webhook === 'validate.nginx.ingress.kubernetes.io') {
      const ns = obj.metadata.namespace ?? 'default';
      for (const other of this.store.list('networking.k8s.io/v1', 'Ingress')) {
        if (other.metadata.namespace === ns && other.metadata.name === obj.metadata.name) continue;
        for (const r of obj.spec?.rules ?? []) {
          for (const p of r.http?.paths ?? []) {
            const clash = (other.spec?.rules ?? []).some(
              (or: Json) => (or.host ?? '') === (r.host ?? '') && (or.http?.paths ?? []).some((op: Json) => (op.path ?? '/') === (p.path ?? '/') && (op.pathType ?? '') === (p.pathType ?? '')),
            );
            if (clash) return `host "${r.host ?? ''}" and path "${p.path ?? '/'}" is already defined in ingress ${other.metadata.namespace}/${other.metadata.name}`;
          }
        }
      }
    }
    return null;
  }
}
