// Which kinds the fake server serves: the built-in table of a v1.35 kube-apiserver (the part the
// labs and add-ons touch) plus whatever CRDs have been applied. Answers discovery requests.
import type { Json, KObj } from './util.ts';

export interface ResourceType {
  group: string;
  /** Every served version; the first is the storage version. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  subresources: string[];
  /** Served from a CRD (lists carry apiVersion/kind on each item, like unstructured objects). */
  custom: boolean;
  /** The openAPIV3Schema of a CRD version, for strict field validation. */
  schemas?: Record<string, Json>;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Row = [plural: string, kind: string, namespaced: boolean, shortNames?: string[], subresources?: string[]];

const BUILTIN: Record<string, Row[]> = {
  v1: [
    ['namespaces', 'Namespace', false, ['ns'], ['status', 'finalize']],
    ['pods', 'Pod', true, ['po'], ['status', 'log', 'exec', 'eviction', 'binding', 'ephemeralcontainers', 'portforward', 'proxy']],
    ['services', 'Service', true, ['svc'], ['status', 'proxy']],
    ['endpoints', 'Endpoints', true, ['ep']],
    ['events', 'Event', true, ['ev']],
    ['configmaps', 'ConfigMap', true, ['cm']],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true, ['sa'], ['token']],
    ['nodes', 'Node', false, ['no'], ['status', 'proxy']],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc'], ['status']],
    ['persistentvolumes', 'PersistentVolume', false, ['pv'], ['status']],
    ['resourcequotas', 'ResourceQuota', true, ['quota'], ['status']],
    ['limitranges', 'LimitRange', true, ['limits']],
  ],
  'apps/v1': [
    ['deployments', 'Deployment', true, ['deploy'], ['status', 'scale']],
    ['replicasets', 'ReplicaSet', true, ['rs'], ['status', 'scale']],
    ['daemonsets', 'DaemonSet', true, ['ds'], ['status']],
    ['statefulsets', 'StatefulSet', true, ['sts'], ['status', 'scale']],
    ['controllerrevisions', 'ControllerRevision', true],
  ],
  'batch/v1': [
    ['jobs', 'Job', true, [], ['status']],
    ['cronjobs', 'CronJob', true, ['cj'], ['status']],
  ],
  'networking.k8s.io/v1': [
    ['ingresses', 'Ingress', true, ['ing'], ['status']],
    ['ingressclasses', 'IngressClass', false],
    ['networkpolicies', 'NetworkPolicy', true, ['netpol']],
    ['ipaddresses', 'IPAddress', false, ['ip']],
    ['servicecidrs', 'ServiceCIDR', false, [], ['status']],
  ],
  'discovery.k8s.io/v1': [['endpointslices', 'EndpointSlice', true]],
  'apiextensions.k8s.io/v1': [['customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds'], ['status']]],
  'admissionregistration.k8s.io/v1': [
    ['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
    ['mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
    ['validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false, [], ['status']],
    ['validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false],
  ],
  'rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true],
    ['rolebindings', 'RoleBinding', true],
    ['clusterroles', 'ClusterRole', false],
    ['clusterrolebindings', 'ClusterRoleBinding', false],
  ],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], ['status']]],
  'coordination.k8s.io/v1': [['leases', 'Lease', true]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false, ['pc']]],
  'storage.k8s.io/v1': [
    ['storageclasses', 'StorageClass', false, ['sc']],
    ['csidrivers', 'CSIDriver', false],
  ],
  'apiregistration.k8s.io/v1': [['apiservices', 'APIService', false, [], ['status']]],
};

/** The core group is "" everywhere in this code. */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function typeKey(t: { group: string; plural: string }): string {
  return `${t.group}/${t.plural}`;
}

export class Registry {
  private readonly types = new Map<string, ResourceType>();

  constructor() {
    for (const [gv, rows] of Object.entries(BUILTIN)) {
      const { group, version } = splitApiVersion(gv);
      for (const [plural, kind, namespaced, shortNames, subresources] of rows) {
        this.types.set(`${group}/${plural}`, {
          group,
          versions: [version],
          plural,
          singular: kind.toLowerCase(),
          kind,
          namespaced,
          ...(shortNames && shortNames.length ? { shortNames } : {}),
          subresources: subresources ?? [],
          custom: false,
        });
      }
    }
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    const t = this.types.get(`${group}/${plural}`);
    return t && t.versions.includes(version) ? t : undefined;
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  forApiVersion(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const t = this.byKind(group, kind);
    return t && t.versions.includes(version) ? t : undefined;
  }

  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types.values()) {
      if (!t.group) continue;
      const vs = out.get(t.group) ?? [];
      for (const v of t.versions) if (!vs.includes(v)) vs.push(v);
      out.set(t.group, vs);
    }
    return out;
  }

  /** Registers the kinds a CRD serves; returns the type, or null when the CRD serves nothing. */
  registerCrd(crd: KObj): ResourceType | null {
    const spec = crd.spec ?? {};
    const names = spec.names ?? {};
    const served = (spec.versions ?? []).filter((v: Json) => v.served !== false);
    if (!spec.group || !names.plural || !names.kind || served.length === 0) return null;
    const storage = served.find((v: Json) => v.storage) ?? served[0];
    const versions = [storage.name, ...served.map((v: Json) => v.name as string).filter((n: string) => n !== storage.name)];
    const schemas: Record<string, Json> = {};
    for (const v of served) if (v.schema?.openAPIV3Schema) schemas[v.name] = v.schema.openAPIV3Schema;
    const t: ResourceType = {
      group: spec.group,
      versions,
      plural: names.plural,
      singular: names.singular ?? String(names.kind).toLowerCase(),
      kind: names.kind,
      namespaced: spec.scope !== 'Cluster',
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      subresources: served.some((v: Json) => v.subresources?.status) ? ['status'] : [],
      custom: true,
      schemas,
    };
    this.types.set(typeKey(t), t);
    return t;
  }

  unregister(group: string, plural: string): void {
    const t = this.types.get(`${group}/${plural}`);
    if (t?.custom) this.types.delete(`${group}/${plural}`);
  }

  // ── discovery documents ──

  resourceList(group: string, version: string): Json | null {
    const rows = [...this.types.values()].filter((t) => t.group === group && t.versions.includes(version));
    if (rows.length === 0) return null;
    const resources: Json[] = [];
    for (const t of rows.sort((a, b) => a.plural.localeCompare(b.plural))) {
      resources.push({
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.custom ? { categories: ['all'] } : {}),
        storageVersionHash: 'fake',
      });
      for (const sub of t.subresources) {
        resources.push({
          name: `${t.plural}/${sub}`,
          singularName: '',
          namespaced: t.namespaced,
          kind: sub === 'scale' ? 'Scale' : sub === 'log' ? 'Pod' : t.kind,
          verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
        });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: joinApiVersion(group, version), resources };
  }

  groupList(): Json {
    const groups: Json[] = [];
    for (const [name, versions] of this.groupVersions()) {
      const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
      groups.push({ name, versions: vs, preferredVersion: vs[0] });
    }
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
}
