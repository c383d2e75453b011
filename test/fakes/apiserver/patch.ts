// The four PATCH flavours and strict field validation.
// - server-side apply: maps merge, lists of named items merge by name (others replace), and
//   fields the same manager applied before but left out now are removed (a close-enough model
//   of managed fields);
// - JSON merge patch (RFC 7386), strategic merge patch (lists of named items merge by name),
//   JSON patch (RFC 6902: add, remove, replace, test);
// - unknown fields, reported the way the real server words them.
import type { ResourceType } from './registry.ts';
import { ApiError, type Json, type KObj, badRequest, clone, isMap } from './util.ts';

/** How server-side apply keys a list of maps (containers, env, volumes, webhooks…); null: atomic. */
function assocKeyFn(items: Json[]): ((x: Json) => string) | null {
  if (items.length === 0 || !items.every(isMap)) return null;
  if (items.every((i) => typeof i.name === 'string')) return (i) => `name=${i.name}`;
  if (items.every((i) => i.containerPort !== undefined)) return (i) => `${i.containerPort}/${i.protocol ?? 'TCP'}`;
  return null;
}

function applyList(live: Json[], applied: Json[], previous: Json): Json[] {
  const key = assocKeyFn([...live, ...applied]);
  if (!key) return clone(applied);
  const prev = Array.isArray(previous) ? previous : [];
  const out = applied.map((item) => {
    const match = live.find((l) => key(l) === key(item));
    return match ? applyMerge(match, item, prev.find((p) => isMap(p) && key(p) === key(item))) : clone(item);
  });
  // Items another manager added stay; items this manager applied before and dropped now go.
  for (const l of live) if (!applied.some((a) => key(a) === key(l)) && !prev.some((p) => isMap(p) && key(p) === key(l))) out.push(clone(l));
  return out;
}

export function applyMerge(live: Json, applied: Json, previous: Json): Json {
  if (Array.isArray(live) && Array.isArray(applied)) return applyList(live, applied, previous);
  if (!isMap(live) || !isMap(applied)) return clone(applied);
  const out: Record<string, Json> = clone(live);
  for (const [k, v] of Object.entries(applied)) {
    if (v === undefined) continue;
    const both = (isMap(v) && isMap(live[k])) || (Array.isArray(v) && Array.isArray(live[k]));
    out[k] = both ? applyMerge(live[k], v, isMap(previous) ? previous[k] : undefined) : clone(v);
  }
  if (isMap(previous)) for (const k of Object.keys(previous)) if (!(k in applied)) delete out[k];
  return out;
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const out: Record<string, Json> = isMap(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function listKey(items: Json[]): string | null {
  if (items.length === 0 || !items.every(isMap)) return null;
  for (const k of ['name', 'containerPort', 'port', 'mountPath', 'ip', 'type']) if (items.every((i) => i[k] !== undefined)) return k;
  return null;
}

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (Array.isArray(patch) && Array.isArray(target)) {
    const key = listKey([...target, ...patch]);
    if (!key) return clone(patch);
    const out = clone(target) as Json[];
    for (const p of patch) {
      const i = out.findIndex((t) => t[key] === p[key]);
      if (p.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = strategicMergePatch(out[i], p);
      else out.push(clone(p));
    }
    return out;
  }
  if (!isMap(patch)) return clone(patch);
  const out: Record<string, Json> = isMap(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch must be a list of operations');
  let doc = clone(target);
  for (const op of ops) {
    const parts = pointer(String(op.path ?? ''));
    const last = parts.pop();
    let parent = doc;
    for (const p of parts) {
      parent = Array.isArray(parent) ? parent[Number(p)] : parent?.[p];
      if (parent === undefined || parent === null) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${op.path}"`);
    }
    if (last === undefined) {
      if (op.op === 'replace' || op.op === 'add') doc = clone(op.value);
      continue;
    }
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, clone(op.value));
        else parent[last] = clone(op.value);
        break;
      case 'replace':
        if (Array.isArray(parent) ? Number(last) >= parent.length : !(last in parent)) {
          throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        }
        if (Array.isArray(parent)) parent[Number(last)] = clone(op.value);
        else parent[last] = clone(op.value);
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else if (last in parent) delete parent[last];
        else throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "${op.path}": missing value`);
        break;
      case 'test':
        if (JSON.stringify(Array.isArray(parent) ? parent[Number(last)] : parent[last]) !== JSON.stringify(op.value)) {
          throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

// ───────────── strict field validation ─────────────

/** '*' any value; 'map' a string map; an object lists the known fields; [S] a list of S. */
type Shape = '*' | 'map' | { [field: string]: Shape } | [Shape];

const meta: Shape = {
  name: '*', generateName: '*', namespace: '*', selfLink: '*', uid: '*', resourceVersion: '*', generation: '*',
  creationTimestamp: '*', deletionTimestamp: '*', deletionGracePeriodSeconds: '*', labels: 'map', annotations: 'map',
  ownerReferences: '*', finalizers: '*', managedFields: '*',
};
const labelSelector: Shape = { matchLabels: 'map', matchExpressions: [{ key: '*', operator: '*', values: '*' }] };
const containerPort: Shape = { name: '*', hostPort: '*', containerPort: '*', protocol: '*', hostIP: '*' };
const container: Shape = {
  name: '*', image: '*', command: '*', args: '*', workingDir: '*', ports: [containerPort], envFrom: '*', env: '*', resources: '*',
  resizePolicy: '*', restartPolicy: '*', restartPolicyRules: '*', volumeMounts: '*', volumeDevices: '*', livenessProbe: '*',
  readinessProbe: '*', startupProbe: '*', lifecycle: '*', terminationMessagePath: '*', terminationMessagePolicy: '*',
  imagePullPolicy: '*', securityContext: '*', stdin: '*', stdinOnce: '*', tty: '*',
};
const podSpec: Shape = {
  volumes: '*', initContainers: [container], containers: [container], ephemeralContainers: '*', restartPolicy: '*',
  terminationGracePeriodSeconds: '*', activeDeadlineSeconds: '*', dnsPolicy: '*', nodeSelector: 'map', serviceAccountName: '*',
  serviceAccount: '*', automountServiceAccountToken: '*', nodeName: '*', hostNetwork: '*', hostPID: '*', hostIPC: '*',
  shareProcessNamespace: '*', securityContext: '*', imagePullSecrets: '*', hostname: '*', subdomain: '*', affinity: '*',
  schedulerName: '*', tolerations: '*', hostAliases: '*', priorityClassName: '*', priority: '*', dnsConfig: '*',
  readinessGates: '*', runtimeClassName: '*', enableServiceLinks: '*', preemptionPolicy: '*', overhead: '*',
  topologySpreadConstraints: '*', setHostnameAsFQDN: '*', os: '*', hostUsers: '*', schedulingGates: '*', resourceClaims: '*',
  resources: '*', hostnameOverride: '*',
};
const podTemplate: Shape = { metadata: meta, spec: podSpec };
const servicePort: Shape = { name: '*', protocol: '*', appProtocol: '*', port: '*', targetPort: '*', nodePort: '*' };
const serviceSpec: Shape = {
  ports: [servicePort], selector: 'map', clusterIP: '*', clusterIPs: '*', type: '*', externalIPs: '*', sessionAffinity: '*',
  loadBalancerIP: '*', loadBalancerSourceRanges: '*', externalName: '*', externalTrafficPolicy: '*', healthCheckNodePort: '*',
  publishNotReadyAddresses: '*', sessionAffinityConfig: '*', ipFamilies: '*', ipFamilyPolicy: '*',
  allocateLoadBalancerNodePorts: '*', loadBalancerClass: '*', internalTrafficPolicy: '*', trafficDistribution: '*',
};
const peer: Shape = { podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: { cidr: '*', except: '*' } };
const npPort: Shape = { protocol: '*', port: '*', endPort: '*' };
const backend: Shape = { service: { name: '*', port: { name: '*', number: '*' } }, resource: '*' };
const top = (fields: Record<string, Shape>): Shape => ({ apiVersion: '*', kind: '*', metadata: meta, ...fields });

const SHAPES: Record<string, Shape> = {
  '/Service': top({ spec: serviceSpec, status: '*' }),
  '/Pod': top({ spec: podSpec, status: '*' }),
  '/Namespace': top({ spec: '*', status: '*' }),
  '/ConfigMap': top({ data: 'map', binaryData: 'map', immutable: '*' }),
  '/Secret': top({ data: 'map', stringData: 'map', type: '*', immutable: '*' }),
  '/ServiceAccount': top({ secrets: '*', imagePullSecrets: '*', automountServiceAccountToken: '*' }),
  'apps/Deployment': top({
    spec: { replicas: '*', selector: labelSelector, template: podTemplate, strategy: '*', minReadySeconds: '*', revisionHistoryLimit: '*', paused: '*', progressDeadlineSeconds: '*' },
    status: '*',
  }),
  'apps/DaemonSet': top({ spec: { selector: labelSelector, template: podTemplate, updateStrategy: '*', minReadySeconds: '*', revisionHistoryLimit: '*' }, status: '*' }),
  'apps/StatefulSet': top({
    spec: {
      replicas: '*', selector: labelSelector, template: podTemplate, volumeClaimTemplates: '*', serviceName: '*', podManagementPolicy: '*',
      updateStrategy: '*', revisionHistoryLimit: '*', minReadySeconds: '*', persistentVolumeClaimRetentionPolicy: '*', ordinals: '*',
    },
    status: '*',
  }),
  'batch/Job': top({
    spec: {
      parallelism: '*', completions: '*', activeDeadlineSeconds: '*', podFailurePolicy: '*', successPolicy: '*', backoffLimit: '*',
      backoffLimitPerIndex: '*', maxFailedIndexes: '*', selector: labelSelector, manualSelector: '*', template: podTemplate,
      ttlSecondsAfterFinished: '*', completionMode: '*', suspend: '*', podReplacementPolicy: '*', managedBy: '*',
    },
    status: '*',
  }),
  'networking.k8s.io/NetworkPolicy': top({
    spec: { podSelector: labelSelector, ingress: [{ from: [peer], ports: [npPort] }], egress: [{ to: [peer], ports: [npPort] }], policyTypes: '*' },
    status: '*',
  }),
  'networking.k8s.io/Ingress': top({
    spec: { ingressClassName: '*', defaultBackend: backend, tls: '*', rules: [{ host: '*', http: { paths: [{ path: '*', pathType: '*', backend }] } }] },
    status: '*',
  }),
};

/** Keys of associative lists, as server-side apply prints them in paths. */
function assocKey(field: string, item: Json): string | null {
  if (!isMap(item)) return null;
  if (['containers', 'initContainers', 'env', 'volumes'].includes(field) && item.name !== undefined) return `name=${JSON.stringify(item.name)}`;
  if (field === 'ports' && item.port !== undefined) return `port=${item.port},protocol=${JSON.stringify(item.protocol ?? 'TCP')}`;
  if (field === 'ports' && item.containerPort !== undefined) return `containerPort=${item.containerPort},protocol=${JSON.stringify(item.protocol ?? 'TCP')}`;
  return null;
}

interface Unknown {
  /** "spec.ports[0].foo" (decoder style) */
  plain: string;
  /** ".spec.ports[port=80,protocol=\"TCP\"].foo" (structured-merge-diff style) */
  smd: string;
}

function walkShape(value: Json, shape: Shape, plain: string, smd: string, out: Unknown[]): void {
  if (shape === '*' || value === null || value === undefined) return;
  if (shape === 'map') return;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return;
    const field = plain.split('.').pop() ?? '';
    value.forEach((item, i) => {
      const key = assocKey(field, item);
      walkShape(item, shape[0], `${plain}[${i}]`, `${smd}[${key ?? i}]`, out);
    });
    return;
  }
  if (!isMap(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const sub = shape[k];
    const p = plain ? `${plain}.${k}` : k;
    if (sub === undefined) out.push({ plain: p, smd: `${smd}.${k}` });
    else walkShape(v, sub, p, `${smd}.${k}`, out);
  }
}

function walkSchema(value: Json, schema: Json, plain: string, smd: string, out: Unknown[]): void {
  if (!isMap(schema) || value === null || value === undefined) return;
  if (schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => walkSchema(item, schema.items, `${plain}[${i}]`, `${smd}[${i}]`, out));
    return;
  }
  if (!isMap(value) || !isMap(schema.properties) || schema.additionalProperties) return;
  for (const [k, v] of Object.entries(value)) {
    const p = plain ? `${plain}.${k}` : k;
    if (!plain && ['apiVersion', 'kind', 'metadata'].includes(k)) continue;
    const sub = schema.properties[k];
    if (sub === undefined) out.push({ plain: p, smd: `${smd}.${k}` });
    else walkSchema(v, sub, p, `${smd}.${k}`, out);
  }
}

export function unknownFields(t: ResourceType, version: string, obj: KObj): Unknown[] {
  const out: Unknown[] = [];
  if (t.custom) {
    const schema = t.schemas?.[version];
    if (schema) walkSchema(obj, schema, '', '', out);
  } else {
    const shape = SHAPES[`${t.group}/${t.kind}`];
    if (shape) walkShape(obj, shape, '', '', out);
  }
  return out;
}

/** POST/PUT with fieldValidation=Strict. */
export function strictDecodingError(t: ResourceType, version: string, unknown: Unknown[]): ApiError {
  const list = unknown.map((u) => `unknown field "${u.plain}"`).join(', ');
  return badRequest(`${t.kind} in version "${version}" cannot be handled as a ${t.kind}: strict decoding error: ${list}`);
}

/** Server-side apply always refuses fields outside the schema (HTTP 500, no reason, in 1.35). */
export function typedPatchError(t: ResourceType, apiVersion: string, obj: KObj, unknown: Unknown[]): ApiError {
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  const nn = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  return new ApiError(500, undefined, `failed to create typed patch object (${nn}; ${gv}, Kind=${t.kind}): ${unknown.map((u) => `${u.smd}: field not declared in schema`).join('\n')}`);
}
