// object: an object exists (or does not), and dotted paths in it hold given values —
// "spec.rules.0.host", "spec.ingress.0.from.0.podSelector.matchLabels.app".
import type { Layer } from '../../../api.ts';
import { namespaceFor } from '../manifest.ts';
import { type Checker, failed, passed } from './types.ts';

const LAYER_BY_KIND: Record<string, Layer> = {
  Service: 'service',
  EndpointSlice: 'endpoints',
  Endpoints: 'endpoints',
  Ingress: 'ingress',
  IngressClass: 'ingress',
  NetworkPolicy: 'policy',
  IPAddressPool: 'lb-ip',
  L2Advertisement: 'lb-ip',
  Pod: 'pod',
  Deployment: 'pod',
  StatefulSet: 'pod',
  DaemonSet: 'pod',
  ReplicaSet: 'pod',
};

/** Reads a dotted path; numeric segments index arrays. */
export function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = /^\d+$/.test(seg) ? cur[Number(seg)] : undefined;
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[seg];
    else return undefined;
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export const objectChecker: Checker<'object'> = {
  type: 'object',
  dataPlane: false,
  settleOn: (c) => {
    const ns = namespaceFor(c.ref.kind, c.ref.namespace);
    return { apiVersion: c.ref.apiVersion, kind: c.ref.kind, ...(ns ? { namespace: ns } : {}), fieldSelector: `metadata.name=${c.ref.name}` };
  },
  describe(c, say) {
    const ns = namespaceFor(c.ref.kind, c.ref.namespace);
    const name = `${c.ref.kind} ${ns ? `${ns}/` : ''}${c.ref.name}`;
    if (!c.exists) return say(`${name} does not exist`, `${name} 不存在`);
    const fields = Object.entries(c.fields ?? {}).map(([k, v]) => `${k} = ${String(v)}`);
    return fields.length ? say(`${name} exists with ${fields.join(', ')}`, `${name} 存在，且 ${fields.join('，')}`) : say(`${name} exists`, `${name} 存在`);
  },
  async run(c, { client, say }) {
    const expected = objectChecker.describe(c, say);
    const ns = namespaceFor(c.ref.kind, c.ref.namespace);
    const layer = LAYER_BY_KIND[c.ref.kind] ?? 'cluster';
    const label = `${c.ref.kind} ${ns ? `${ns}/` : ''}${c.ref.name}`;
    const served = await client.served(c.ref.apiVersion, c.ref.kind).catch(() => true);
    const obj = served ? await client.get(c.ref.apiVersion, c.ref.kind, c.ref.name, ns) : null;
    if (!c.exists) {
      return obj
        ? failed(expected, say(`${label} exists`, `${label} 存在`), layer, say(`Delete it: kubectl delete ${c.ref.kind.toLowerCase()} ${c.ref.name}${ns ? ` -n ${ns}` : ''}.`, `请删除它：kubectl delete ${c.ref.kind.toLowerCase()} ${c.ref.name}${ns ? ` -n ${ns}` : ''}。`))
        : passed(expected, say(`${label} does not exist`, `${label} 不存在`));
    }
    if (!obj) {
      return failed(
        expected,
        say(`${label} does not exist`, `${label} 不存在`),
        layer,
        served
          ? say(`Create it (re-run the step that applies it); check the name and namespace.`, `请创建它（重新运行应用它的步骤），并核对名称和命名空间。`)
          : say(`The cluster does not serve ${c.ref.kind} in ${c.ref.apiVersion}: is the add-on that defines it installed?`, `集群不提供 ${c.ref.apiVersion} 中的 ${c.ref.kind}：定义它的插件是否已安装？`),
      );
    }
    const wrong = Object.entries(c.fields ?? {}).filter(([path, want]) => String(readPath(obj, path)) !== String(want));
    const seen = Object.keys(c.fields ?? {}).map((path) => `${path} = ${show(readPath(obj, path))}`);
    const observed = seen.length ? say(`${label} exists with ${seen.join(', ')}`, `${label} 存在，且 ${seen.join('，')}`) : say(`${label} exists`, `${label} 存在`);
    if (wrong.length === 0) return passed(expected, observed);
    const diffs = wrong.map(([path, want]) => `${path}: ${show(readPath(obj, path))} ≠ ${String(want)}`).join('; ');
    return failed(expected, observed, layer, say(`Fix ${diffs} and apply again (kubectl get ${c.ref.kind.toLowerCase()} ${c.ref.name}${ns ? ` -n ${ns}` : ''} -o yaml shows the object).`, `请修正 ${diffs} 后重新应用（kubectl get ${c.ref.kind.toLowerCase()} ${c.ref.name}${ns ? ` -n ${ns}` : ''} -o yaml 可查看该对象）。`));
  },
};
