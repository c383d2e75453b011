// A lab manifest made ready for the API: variables filled in, every object labelled with the lab
// that created it (so the lab's cleanup and the fast reset can find it), and namespaced objects
// without a namespace put in `default` — which is what kubectl would do with the default context.
import type { KubeObject } from '../kube/client.ts';
import { parseManifest } from '../addons/manifests.ts';
import { type LabVars, renderTemplate } from './vars.ts';

export const LAB_LABEL = 'kindlab.io/lab';
export const PROBE_LABEL = 'kindlab.io/probe';

/**
 * Kinds that live outside namespaces. The KubeClient interface cannot answer "is this kind
 * namespaced" without a request per kind, and lab manifests only use a handful of kinds.
 */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** The namespace an object reference lands in: none for cluster-scoped kinds, else default. */
export function namespaceFor(kind: string, namespace: string | undefined): string | undefined {
  return isClusterScoped(kind) ? undefined : (namespace ?? 'default');
}

function labelForLab(obj: KubeObject, labId: string): KubeObject {
  const ns = namespaceFor(obj.kind, obj.metadata.namespace);
  const metadata = { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), [LAB_LABEL]: labId } };
  if (ns === undefined) delete metadata.namespace;
  else metadata.namespace = ns;
  return { ...obj, metadata };
}

/** Renders and parses a lab manifest; throws MissingVariableError or a bad-input KindlabError. */
export function prepareObjects(text: string, vars: LabVars, labId: string, source: string): KubeObject[] {
  return parseManifest(renderTemplate(text, vars), source).map((o) => labelForLab(o, labId));
}
