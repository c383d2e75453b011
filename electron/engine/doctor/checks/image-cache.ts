// How complete the image cache is: of every image the add-ons (each choice) and the labs need,
// how many the caches hold. A full cache means resets pull nothing from the internet (no Docker
// Hub rate limit, and a classroom without internet still works); a partial one names what is
// missing and how to fill it. The cache being off, or not yet created, is information, not a fault.
import { APP_LABELS } from '../../../shared/app-labels.ts';
import { type CheckOutcome, type DoctorCheck, NEEDS_ENGINE, always, fillLocalized } from '../check.ts';

const FILL = {
  fix: {
    en: 'Download them ahead of time: kindlab cache warm (through the caches from the registries; `docker login` first avoids Docker Hub\'s limit of 10 anonymous pulls an hour). Without internet: kindlab bundle import FILE.',
    zh: '请提前下载：kindlab cache warm（经缓存从镜像仓库拉取；先 `docker login` 可避开 Docker Hub 每小时 10 次匿名拉取的限制）。没有网络时：kindlab bundle import 文件。',
  },
  appFix: {
    en: `Download them ahead of time: ${APP_LABELS.downloadLabImages.en} on the ${APP_LABELS.clusterScreen.en} screen.`,
    zh: `请提前下载：在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.downloadLabImages.zh}”。`,
  },
  fixCommands: ['kindlab cache warm'],
};

export const imageCacheCheck: DoctorCheck = {
  id: 'image-cache',
  category: 'network',
  title: { en: 'Image cache', zh: '镜像缓存' },
  applies: always,
  async check({ facts, settings }): Promise<CheckOutcome> {
    if (settings.imageCache === false) return { status: 'ok', finding: { en: 'The image cache is off for this cluster (--no-cache): the nodes pull every image from the registries.', zh: '此集群关闭了镜像缓存（--no-cache）：节点会从镜像仓库拉取所有镜像。' } };
    const engine = await facts.engine();
    if (!engine.reachable) return NEEDS_ENGINE;
    const s = await facts.cacheStatus();
    if (!s) return { status: 'skip', finding: { en: 'Could not read the image cache.', zh: '无法读取镜像缓存。' } };
    if (!s.enabled) return { status: 'ok', finding: { en: 'The image cache is off (KINDLAB_CACHE=off): the nodes pull every image from the registries.', zh: '镜像缓存已关闭（KINDLAB_CACHE=off）：节点会从镜像仓库拉取所有镜像。' } };
    const params = { cached: s.cachedCount, total: s.totalCount, mode: s.mode, missing: s.images.filter((i) => !i.cached).slice(0, 5).map((i) => i.ref).join(', ') + (s.totalCount - s.cachedCount > 5 ? ', …' : '') };
    if (s.upstreams.every((u) => !u.exists)) {
      return { status: 'ok', finding: fillLocalized({ en: 'No image cache yet: kindlab up creates it ({mode} mode); until it is filled, the nodes pull {total} images from the registries.', zh: '还没有镜像缓存：kindlab up 会创建它（{mode} 模式）；缓存填满之前，节点要从镜像仓库拉取 {total} 个镜像。' }, params), ...FILL };
    }
    if (s.cachedCount === s.totalCount) {
      return { status: 'ok', finding: fillLocalized({ en: 'The image cache holds all {total} images the add-ons and labs need ({mode} mode): up and the resets pull nothing from the internet.', zh: '镜像缓存已存有插件和实验需要的全部 {total} 个镜像（{mode} 模式）：up 和重置都无需从互联网拉取。' }, params) };
    }
    return {
      status: 'warn',
      finding: fillLocalized({ en: 'The image cache holds {cached} of {total} images ({mode} mode); missing: {missing}.', zh: '镜像缓存存有 {total} 个镜像中的 {cached} 个（{mode} 模式）；缺少：{missing}。' }, params),
      ...FILL,
    };
  },
};
