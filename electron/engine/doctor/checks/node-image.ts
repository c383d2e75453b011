// Which node image `up` will create the nodes from, and whether the engine already has it: the
// pinned kindest/node is pulled on the first `up` (about 1 GB); a chosen image (a classroom mirror,
// one built offline) that is not in the engine has to be pullable from where its name points.
import { nodeImageOf } from '../../context.ts';
import { APP_LABELS } from '../../../shared/app-labels.ts';
import { fill } from '../../i18n/text.ts';
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, always, runningEngine } from '../check.ts';

export const nodeImageCheck: DoctorCheck = {
  id: 'node-image',
  category: 'cluster',
  title: { en: 'Node image', zh: '节点镜像' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const image = nodeImageOf(ctx.settings, ctx.facts.pins);
    const pinned = image === ctx.facts.pins.nodeImage;
    if (!(await runningEngine(ctx))) return { ...NEEDS_ENGINE, finding: fill({ en: 'Nodes are created from {image}. Checking it needs a running container engine.', zh: '节点将由 {image} 创建。检查它需要正在运行的容器引擎。' }, { image }) };
    const present = await ctx.facts.imagePresent(image);
    if (present) return { status: 'ok', finding: fill({ en: 'Nodes are created from {image}, which the engine already has.', zh: '节点将由 {image} 创建，容器引擎中已有该镜像。' }, { image }) };
    if (pinned) {
      return {
        status: 'ok',
        finding: fill({ en: 'Nodes are created from {image}; kind pulls it (about 1 GB) on the first kindlab up.', zh: '节点将由 {image} 创建；第一次运行 kindlab up 时 kind 会拉取它（约 1 GB）。' }, { image }),
      };
    }
    return {
      status: 'warn',
      finding: fill({ en: 'The chosen node image {image} is not in the engine; kind will try to pull it.', zh: '所选节点镜像 {image} 不在容器引擎中；kind 会尝试拉取它。' }, { image }),
      fix: {
        en: 'Load or build the image first (docker load -i FILE, or docker pull from your mirror), or leave out --node-image to use the pinned kindest/node.',
        zh: '请先加载或构建该镜像（docker load -i 文件，或从你的镜像源 docker pull），或者去掉 --node-image 以使用锁定的 kindest/node。',
      },
      appFix: {
        en: `Load or build the image first (docker load -i FILE, or docker pull from your mirror), or empty ${APP_LABELS.advancedOptions.en} › ${APP_LABELS.nodeImage.en} to use the pinned kindest/node.`,
        zh: `请先加载或构建该镜像（docker load -i 文件，或从你的镜像源 docker pull），或者清空“${APP_LABELS.advancedOptions.zh}”中的“${APP_LABELS.nodeImage.zh}”以使用锁定的 kindest/node。`,
      },
      fixCommands: [`docker image inspect ${image}`],
    };
  },
};
