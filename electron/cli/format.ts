// Text views of the engine's results for a terminal. Pure: each function returns lines.
import stringWidth from 'string-width';
import type { ClusterPlan, ClusterStatus, DoctorReport, LabProblem, LabRunResult, LabSummary, Lang, ManifestImportResult, ManifestInfo, PoolPlan } from '../api.ts';
import { textIn } from '../shared/text.ts';

// The failure view is shared with the renderer (electron/shared/); re-exported for the CLI.
export { failureLines } from '../shared/failure-lines.ts';

const STATUS_MARK = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;

/** Pads to `cols` terminal columns: a Chinese character takes two, so `padEnd` would misalign the table. */
function padColumns(s: string, cols: number): string {
  return s + ' '.repeat(Math.max(0, cols - stringWidth(s)));
}

export function doctorLines(r: DoctorReport, lang: Lang): string[] {
  const lines: string[] = [];
  const title = (f: DoctorReport['findings'][number]) => textIn(f.title, lang);
  const w = Math.max(...r.findings.map((f) => stringWidth(title(f))), 10);
  for (const f of r.findings) {
    lines.push(`${STATUS_MARK[f.status]} ${padColumns(title(f), w)}  ${textIn(f.finding, lang)}`);
    if (f.fix && f.status !== 'ok') lines.push(`  ${' '.repeat(w)}  → ${textIn(f.fix, lang)}`);
    for (const c of f.fixCommands ?? []) if (f.status !== 'ok') lines.push(`  ${' '.repeat(w)}    $ ${c}`);
  }
  const fails = r.findings.filter((f) => f.status === 'fail').length;
  const warns = r.findings.filter((f) => f.status === 'warn').length;
  lines.push('');
  lines.push(
    lang === 'zh'
      ? fails > 0
        ? `${fails} 项失败，${warns} 项警告。修复失败项后再运行 kindlab up。`
        : `全部通过（${warns} 项警告）。可以运行 kindlab up。`
      : fails > 0
        ? `${fails} failed, ${warns} warning(s). Fix the failures, then run kindlab up.`
        : `Ready (${warns} warning(s)). Next: kindlab up`,
  );
  return lines;
}

export function poolLines(p: PoolPlan, lang: Lang): string[] {
  const head = lang === 'zh' ? `kind 网络 ${p.subnet}${p.gateway ? `（网关 ${p.gateway}）` : ''}` : `kind network ${p.subnet}${p.gateway ? ` (gateway ${p.gateway})` : ''}`;
  return [head, ...p.pools.map((x) => `  ${x.name}  ${x.addresses.join(', ')}`)];
}

/** What to do with no cluster yet: build one, or (for the pools) read a saved network. */
export function noClusterLines(name: string, lang: Lang, also: 'pools' | null = null): string[] {
  const lines = [lang === 'zh' ? `还没有集群：${name} 尚不存在。用 kindlab up 构建它。` : `No cluster yet: ${name} does not exist. Build it with: kindlab up`];
  if (also === 'pools') {
    lines.push(
      lang === 'zh'
        ? 'kind 网络随第一个集群一起创建；要计算另一台机器的地址池，请用 kindlab pools --inspect 文件（docker network inspect kind 的输出）。'
        : 'The kind network comes with the first cluster; for the pools of a network saved elsewhere: kindlab pools --inspect FILE (the output of docker network inspect kind).',
    );
  }
  return lines;
}

const ADDON_STATE = { en: { ready: 'ready', degraded: 'degraded', missing: 'missing', unknown: 'unknown' }, zh: { ready: '就绪', degraded: '异常', missing: '未安装', unknown: '未知' } } as const;

export function statusLines(s: ClusterStatus, lang: Lang): string[] {
  const zh = lang === 'zh';
  if (!s.exists) {
    const lines = noClusterLines(s.name, lang);
    if (s.leftovers.length) lines.push(zh ? `残留容器：${s.leftovers.join(', ')}（kindlab down 可清理）` : `Leftover containers: ${s.leftovers.join(', ')} (kindlab down removes them)`);
    return lines;
  }
  const lines = [
    `${zh ? '集群' : 'Cluster'} ${s.name}   kubeconfig${zh ? '：' : ':'} ${s.kubeconfig}`,
    zh ? `构建方式：CNI ${s.cni}，Ingress 控制器 ${s.ingress}，节点镜像 ${s.nodeImage}` : `Built with: CNI ${s.cni}, ingress ${s.ingress}, node image ${s.nodeImage}`,
  ];
  if (!s.apiReachable) {
    lines.push(zh ? 'API 无响应：节点容器可能已停止。运行 kindlab up 重新启动它们。' : 'The API does not answer: the node containers may be stopped. Run kindlab up to start them.');
    return lines;
  }
  lines.push(zh ? '节点：' : 'Nodes:');
  for (const n of s.nodes) lines.push(`  ${n.ready ? '✓' : '✗'} ${n.name.padEnd(28)} ${n.role.padEnd(13)} ${n.internalIP ?? '-'}  ${n.kubeletVersion ?? ''}`);
  lines.push(zh ? '插件：' : 'Add-ons:');
  for (const a of s.addons) lines.push(`  ${a.state === 'ready' ? '✓' : a.state === 'missing' ? '·' : '✗'} ${a.id.padEnd(14)} ${a.version.padEnd(20)} ${ADDON_STATE[lang][a.state]}${zh ? '：' : ': '}${textIn(a.message, lang)}`);
  lines.push(zh ? '地址池：' : 'Address pools:');
  if (s.pools.length === 0) lines.push(zh ? '  （无）' : '  (none)');
  for (const p of s.pools) lines.push(`  ${p.name.padEnd(14)} ${p.addresses.join(', ')}`);
  lines.push(`${zh ? 'Ingress 地址：' : 'Ingress address: '}${s.ingressAddress}  (http://webserver.${s.ingressAddress.replace(/\./g, '-')}.nip.io)`);
  const labs = Object.entries(s.labObjects);
  if (labs.length) {
    const list = labs.map(([lab, n]) => `${lab} ${n}`).join(', ');
    lines.push(zh ? `实验留下的对象：${list}（kindlab reset --fast 会删除它们）` : `Left by the labs: ${list} (kindlab reset --fast removes them)`);
  }
  return lines;
}

export function planLines(p: ClusterPlan, lang: Lang): string[] {
  const zh = lang === 'zh';
  const lines = zh
    ? [`集群 ${p.settings.name} 的构建计划（kubeconfig ${p.kubeconfig}）；不会执行任何操作。`, `CNI ${p.settings.cni}，Ingress 控制器 ${p.settings.ingress}，节点镜像 ${p.nodeImage}`]
    : [`Plan for cluster ${p.settings.name} (kubeconfig ${p.kubeconfig}); nothing is run.`, `CNI ${p.settings.cni}, ingress controller ${p.settings.ingress}, node image ${p.nodeImage}`];
  const KIND = zh ? { command: '命令', manifest: '清单', apply: '应用', patch: '修改', wait: '等待' } : { command: 'command', manifest: 'manifest', apply: 'apply', patch: 'patch', wait: 'wait' };
  const version = zh ? '版本' : 'version';
  let phase = '';
  let n = 0;
  for (const s of p.steps) {
    if (s.phase !== phase) {
      phase = s.phase;
      lines.push('', `[${phase}]`);
    }
    n++;
    lines.push(`${String(n).padStart(3)}. ${padColumns(KIND[s.kind], 8)} ${textIn(s.description, lang)}`);
    if (s.argv) lines.push(`       $ ${s.argv.join(' ')}`);
    if (s.url) lines.push(`       ${s.url}`, `       ${version} ${s.version}  sha256 ${s.sha256}`);
    else if (s.version) lines.push(`       ${version} ${s.version}`);
  }
  return lines;
}

export function labListLines(labs: LabSummary[], lang: Lang): string[] {
  return labs.map((l) => `${String(l.order).padStart(2)}. ${l.id.padEnd(14)} ${String(l.steps).padStart(2)} ${lang === 'zh' ? '步' : 'steps'}  [${l.languages.join(', ')}]  ${l.title[lang]}`);
}

export function problemLines(problems: LabProblem[]): string[] {
  return problems.map((p) => `${p.file}: ${p.path}: ${p.reason}`);
}

export function labRunLines(r: LabRunResult, lang: Lang): string[] {
  const zh = lang === 'zh';
  const lines: string[] = [];
  const mark = { pass: '✓', fail: '✗', skipped: '-' } as const;
  for (const s of r.steps) {
    lines.push(`${r.dryRun ? '•' : mark[s.status]} ${zh ? `第 ${s.index + 1} 步：` : `step ${s.index + 1}: `}${s.id}`);
    if (s.actions.length) lines.push(`    ${zh ? '操作：' : 'actions:'}`);
    for (const a of s.actions) {
      lines.push(`      ${r.dryRun ? '·' : a.status === 'done' ? '•' : a.status === 'failed' ? '✗' : '-'} ${textIn(a.description, lang)}`);
      if (a.output && a.status === 'failed') for (const l of textIn(a.output, lang).split('\n').slice(-6)) lines.push(`          ${l}`);
    }
    if (s.checks.length) lines.push(`    ${zh ? '检查：' : 'checks:'}`);
    for (const check of s.checks) {
      // The words in the language asked for here, whatever language the run was started in.
      const c = { ...check, description: textIn(check.localized.description, lang), expected: textIn(check.localized.expected, lang), observed: textIn(check.localized.observed, lang), hint: check.localized.hint ? textIn(check.localized.hint, lang) : '' };
      lines.push(`      ${r.dryRun ? '·' : mark[c.status]} [${c.id}] ${c.description}`);
      if (r.dryRun) {
        if (c.expected !== c.description) lines.push(`          ${zh ? '预期：' : 'expects: '}${c.expected}`);
        continue;
      }
      lines.push(`          ${zh ? '预期：' : 'expected: '}${c.expected}`);
      lines.push(`          ${zh ? '实际：' : 'observed: '}${c.observed}`);
      if (c.status === 'fail' && c.hint) lines.push(`          ${c.layer ? `[${c.layer}] ` : ''}${c.hint}`);
    }
  }
  if (!r.dryRun) {
    const checks = r.steps.flatMap((s) => s.checks);
    const n = (st: string) => checks.filter((c) => c.status === st).length;
    lines.push('', zh ? `${n('pass')} 项通过，${n('fail')} 项失败，${n('skipped')} 项跳过` : `${n('pass')} passed, ${n('fail')} failed, ${n('skipped')} skipped`);
  }
  return lines;
}

export function manifestLines(list: ManifestInfo[], cacheDir: string, lang: Lang): string[] {
  const zh = lang === 'zh';
  const lines = [zh ? `锁定的清单（缓存目录 ${cacheDir}）：` : `Pinned manifests (cache ${cacheDir}):`];
  for (const m of list) {
    lines.push(`  ${m.cached ? '✓' : '·'} ${m.id.padEnd(28)} ${m.addon} ${m.version}  ${m.cached ? (zh ? '已缓存' : 'cached') : zh ? '未缓存' : 'not cached'}`);
    lines.push(`      ${m.file}  sha256 ${m.sha256}`, `      ${m.url}`);
  }
  lines.push('', zh ? '离线时：在能上网的机器上下载这些 URL，放进同一个文件夹，再运行 kindlab manifests import 文件夹。' : 'Offline: download these URLs on a machine with internet, put them in one folder and run kindlab manifests import FOLDER.');
  return lines;
}

export function importLines(r: ManifestImportResult, lang: Lang): string[] {
  const zh = lang === 'zh';
  const lines: string[] = [];
  for (const f of r.imported) lines.push(`✓ ${f.file} → ${f.id}  (sha256 ${f.sha256})`);
  for (const f of r.refused) {
    lines.push(zh ? `✗ ${f.file}：sha256 与 ${f.id} 的锁定值不符，未导入` : `✗ ${f.file}: its sha256 is not the one pinned for ${f.id}; not imported`);
    lines.push(`    ${zh ? '锁定值' : 'pinned'}   ${f.expected}`, `    ${zh ? '实际值' : 'file has'} ${f.got}`);
  }
  for (const f of r.ignored) lines.push(zh ? `- ${f}：不是锁定的清单，已忽略` : `- ${f}: not a pinned manifest, ignored`);
  lines.push(
    zh
      ? `导入 ${r.imported.length} 个，拒绝 ${r.refused.length} 个，忽略 ${r.ignored.length} 个（缓存目录 ${r.cacheDir}）。`
      : `${r.imported.length} imported, ${r.refused.length} refused, ${r.ignored.length} ignored (cache ${r.cacheDir}).`,
  );
  if (r.refused.length) lines.push(zh ? '被拒绝的文件不是锁定的发布文件：请从上面 kindlab manifests list 给出的 URL 重新下载。' : 'A refused file is not the pinned release file: download it again from the URL `kindlab manifests list` shows.');
  return lines;
}
