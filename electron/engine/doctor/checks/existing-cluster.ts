// What is already there: the configured cluster (reuse it), half-deleted leftovers of it (kind
// refuses to create over them: "node(s) already exist"), and other kind clusters (they compete
// for memory and CPU).
import type { LocalizedText } from '../../../api.ts';
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, NO_TEXT, always, fillLocalized, joinText } from '../check.ts';
import { clusterState } from '../cluster-state.ts';

function othersNote(others: string[]): LocalizedText {
  if (others.length === 0) return NO_TEXT;
  return fillLocalized(
    {
      en: ' Other kind clusters also use memory and CPU: {list} (`kind delete cluster --name <name>` removes one you no longer need).',
      zh: '另有 kind 集群也在占用内存和 CPU：{list}（不再需要的可用 `kind delete cluster --name <名称>` 删除）。',
    },
    { list: others.join(', ') },
  );
}

export const existingClusterCheck: DoctorCheck = {
  id: 'existing-cluster',
  category: 'cluster',
  title: { en: 'Existing clusters', zh: '已有集群' },
  applies: always,
  async check({ facts, settings }): Promise<CheckOutcome> {
    const engine = await facts.engine();
    if (!engine.reachable) return NEEDS_ENGINE;
    const [clusters, containers] = await Promise.all([facts.kindClusters(), facts.kindNodes()]);
    if (containers === null) {
      return { status: 'warn', finding: { en: 'Could not list kind node containers (`docker ps` failed).', zh: '无法列出 kind 节点容器（`docker ps` 执行失败）。' } };
    }
    const name = settings.name;
    const state = clusterState(name, clusters, containers);
    const note = othersNote(state.others);
    const nodeNames = state.nodes.map((n) => n.name);
    const params = { name, nodes: nodeNames.join(', '), count: nodeNames.length };
    if (state.nodes.length === 0) {
      const finding = fillLocalized({ en: 'No cluster named {name} yet; kindlab will create it.', zh: '还没有名为 {name} 的集群，kindlab 会创建它。' }, params);
      return { status: 'ok', finding: joinText(finding, note) };
    }
    if (!state.complete) {
      return {
        status: 'warn',
        finding: fillLocalized(
          { en: 'Leftover node containers of {name} without a complete cluster: {nodes}.', zh: '{name} 残留了节点容器，但集群并不完整：{nodes}。' },
          params,
        ),
        fix: {
          en: 'Delete the remains before creating the cluster again (kindlab can do this for you with a full reset).',
          zh: '重新创建集群前请先删除这些残留（也可以让 kindlab 执行完整重置来处理）。',
        },
        fixCommands: facts.probes.run.has('kind') ? [`kind delete cluster --name ${name}`] : [`docker rm -f ${nodeNames.join(' ')}`],
      };
    }
    const stopped = state.nodes.filter((n) => n.state !== 'running').map((n) => n.name);
    if (stopped.length > 0) {
      return {
        status: 'warn',
        finding: fillLocalized({ en: 'Cluster {name} exists but some nodes are stopped: {stopped}.', zh: '集群 {name} 已存在，但有节点处于停止状态：{stopped}。' }, { ...params, stopped: stopped.join(', ') }),
        fix: { en: 'Start the stopped nodes, or let kindlab reset the cluster.', zh: '请启动已停止的节点，或让 kindlab 重置集群。' },
        fixCommands: [`docker start ${stopped.join(' ')}`],
      };
    }
    const finding = fillLocalized(
      { en: 'Cluster {name} exists with {count} running nodes; kindlab will reuse it.', zh: '集群 {name} 已存在，{count} 个节点都在运行，kindlab 会直接复用它。' },
      params,
    );
    return { status: 'ok', finding: joinText(finding, note) };
  },
};
