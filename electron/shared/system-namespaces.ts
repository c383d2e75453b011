// Namespaces that belong to Kubernetes, kind or an add-on — never to a lab. No imports, so the
// renderer may share the list too.
export const ADDON_AND_SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
  'calico-system',
  'calico-apiserver',
  'tigera-operator',
  'ingress-nginx',
  'metallb-system',
]);

/** The above plus `default`, which the fast reset empties but never deletes. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['default', ...ADDON_AND_SYSTEM_NAMESPACES]);
