// A lab step as the UI and --dry-run show it: Markdown with the cluster's own values, the
// book note as a callout on top, and every action and check described in words. Pure.
import type { ActionView, CheckView, Lang, LabStepView } from '../../api.ts';
import { describeCheck } from './checks/registry.ts';
import type { LoadedLab } from './loader.ts';
import { namespaceFor } from './manifest.ts';
import { missingVars, renderDeepLenient, renderLenient } from './render.ts';
import { type Say, sayText, sayer } from './say.ts';
import type { LabAction } from './schema.ts';
import type { LabVars } from './vars.ts';

function refText(ref: { kind: string; name: string; namespace?: string | undefined }): string {
  const ns = namespaceFor(ref.kind, ref.namespace);
  return `${ref.kind} ${ns ? `${ns}/` : ''}${ref.name}`;
}

/** An action in words; `say` is one language for a step on screen, both for a run's results. */
export function describeAction(action: LabAction, vars: LabVars, say: Say): ActionView {
  const own = 'description' in action && action.description ? sayText(say, action.description) : undefined;
  if ('apply' in action) return { kind: 'apply', description: own ?? say(`Apply ${action.apply}`, `应用 ${action.apply}`), file: action.apply };
  if ('run' in action) {
    const command = renderLenient(action.run, vars, say);
    return { kind: 'command', description: own ?? say(`Run ${command}`, `运行 ${command}`), command };
  }
  if ('wait' in action) {
    const w = action.wait;
    const state: Record<typeof w.condition, [string, string]> = {
      available: ['is available', '可用'],
      ready: ['is ready', '就绪'],
      complete: ['has completed', '完成'],
      exists: ['exists', '存在'],
      deleted: ['is gone', '被删除'],
      loadBalancerIP: ['has a LoadBalancer address', '获得 LoadBalancer 地址'],
    };
    const [en, zh] = state[w.condition];
    return { kind: 'wait', description: say(`Wait until ${refText(w)} ${en} (at most ${w.timeoutSeconds} s)`, `等待 ${refText(w)} ${zh}（最多 ${w.timeoutSeconds} 秒）`) };
  }
  if ('delete' in action) return { kind: 'delete', description: own ?? say(`Delete ${refText(action.delete)}`, `删除 ${refText(action.delete)}`) };
  if ('deleteManifest' in action) return { kind: 'delete', description: own ?? say(`Delete the objects of ${action.deleteManifest}`, `删除 ${action.deleteManifest} 中的对象`), file: action.deleteManifest };
  if ('waitDataPlane' in action) return { kind: 'wait', description: own ?? describeDataPlaneWait(action.waitDataPlane, say) };
  if ('waitClusterDns' in action) return { kind: 'wait', description: own ?? describeDnsWait(action.waitClusterDns.timeoutSeconds, say) };
  const r = action.record;
  // ActionView has no kind for reading a value; it runs no command, so none is shown.
  return {
    kind: 'command',
    description: say(`Remember the ${r.field} of Service ${r.service.namespace}/${r.service.name} (port ${r.service.port}) as ${r.key}`, `记下 Service ${r.service.namespace}/${r.service.name}（端口 ${r.service.port}）的 ${r.field}，保存为 ${r.key}`),
  };
}

type DataPlaneWait = Extract<LabAction, { waitDataPlane: unknown }>['waitDataPlane'];

function describeDataPlaneWait(w: DataPlaneWait, say: Say): string {
  const node = w.node === 'worker' ? say('the worker', 'worker') : say('the control-plane', 'control-plane');
  const np = w.nodePort;
  const answer = np
    ? say(
        `, and the node port of ${np.namespace}/${np.name} (port ${np.port}) on it answers HTTP ${w.expectStatus ?? 200}${w.expectBody ? ` with "${w.expectBody}"` : ''}`,
        `，并且其上 ${np.namespace}/${np.name}（端口 ${np.port}）的节点端口返回 HTTP ${w.expectStatus ?? 200}${w.expectBody ? `，内容包含 "${w.expectBody}"` : ''}`,
      )
    : '';
  return say(
    `Wait until the data plane of ${node} node is back: its kubelet has reported since the container started, kube-proxy and the CNI's pods run again${answer} (at most ${w.timeoutSeconds} s)`,
    `等待 ${node} 节点的数据平面恢复：容器启动后 kubelet 已重新上报，kube-proxy 和 CNI 的 Pod 重新运行${answer}（最多 ${w.timeoutSeconds} 秒）`,
  );
}

function describeDnsWait(timeoutSeconds: number, say: Say): string {
  return say(
    `Wait until cluster DNS answers again: CoreDNS available with pods Ready since their node came back, kube-dns's endpoints current, and a real query answered by every CoreDNS pod (at most ${timeoutSeconds} s)`,
    `等待集群 DNS 恢复应答：CoreDNS 可用且其 Pod 在节点恢复后已 Ready，kube-dns 的端点已更新，并且每个 CoreDNS Pod 都应答了一次真实查询（最多 ${timeoutSeconds} 秒）`,
  );
}

function callout(label: string, text: string): string {
  const body = text.trim().split('\n').join('\n> ');
  return `> **${label}** ${body}\n\n`;
}

export function missingVarsNote(missing: string[], say: Say): string {
  return say(
    `This step needs ${missing.join(', ')}, which this cluster does not have (its kind network is smaller than a /16). The step is skipped here.`,
    `本步骤需要 ${missing.join('、')}，而当前集群没有这些值（其 kind 网络小于 /16）。在此集群上会跳过本步骤。`,
  );
}

export function describeStep(lab: LoadedLab, index: number, vars: LabVars, lang: Lang): LabStepView {
  const say = sayer(lang);
  const step = lab.spec.steps[index];
  if (!step) throw new RangeError(`lab ${lab.id} has no step ${index + 1}`);
  let markdown = '';
  if (step.bookNote) markdown += callout(say('Differs from the book:', '与书中不同：'), sayText(say, step.bookNote));
  const missing = missingVars(step.requiresVar, vars);
  if (missing.length) markdown += callout(say('Not available on this cluster:', '当前集群不可用：'), missingVarsNote(missing, say));
  markdown += renderLenient(lab.texts[lang].steps[index] ?? '', vars, say);
  const checks: CheckView[] = step.checks.map((c) => ({ id: c.id, type: c.type, description: describeCheck(renderDeepLenient(c, vars, say), say) }));
  return {
    index,
    id: step.id,
    title: sayText(say, step.title),
    markdown,
    actions: step.actions.map((a) => describeAction(a, vars, say)),
    checks,
    ...(step.noCheckReason ? { noCheckReason: sayText(say, step.noCheckReason) } : {}),
  };
}
