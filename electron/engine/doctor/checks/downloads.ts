// What `kindlab up` will download, and whether it can: the node image, the add-ons' images, the
// pinned manifests (and, for the labs, two probe images). What is already here is not asked
// for: the node image in the engine, images the nodes of an existing cluster hold, manifests in
// the cache (`kindlab manifests import`). For the rest, each source is asked once, bounded in
// time, the way the download will go (through HTTPS_PROXY when set). An offline machine learns it
// here, with what to do, instead of at `up`'s first image pull; and "no DNS at all" is told apart
// from a source that is blocked or down.
import type { LocalizedText } from '../../../api.ts';
import { APP_LABELS } from '../../../shared/app-labels.ts';
import { nodeImageOf } from '../../context.ts';
import { NEUTRAL_NAME } from '../../network/nipio.ts';
import type { Reach } from '../../network/reach.ts';
import { type CheckOutcome, type DoctorCheck, always, fillLocalized, runningEngine } from '../check.ts';
import { type Need, canonicalImage, neededFor, nodeHas, probeUrl } from '../downloads.ts';

const WHY: Record<Exclude<Reach, { ok: true }>['why'], LocalizedText> = {
  dns: { en: 'its name does not resolve', zh: '域名无法解析' },
  refused: { en: 'the connection is refused', zh: '连接被拒绝' },
  timeout: { en: 'no answer in time', zh: '在限定时间内没有应答' },
  unreachable: { en: 'no route to it', zh: '没有通往它的路由' },
  tls: { en: 'its TLS certificate is not trusted (a proxy that intercepts HTTPS?)', zh: '它的 TLS 证书不受信任（是否有代理在拦截 HTTPS？）' },
  proxy: { en: 'the proxy did not get through to it', zh: '代理无法连到它' },
};

function count(needs: Need[], kind: Need['kind']): number {
  return needs.filter((n) => n.kind === kind).length;
}

/** "3 images and 2 manifests" in both languages. */
function amount(needs: Need[]): LocalizedText {
  const images = count(needs, 'image');
  const manifests = count(needs, 'manifest');
  const en = [images ? `${images} image${images === 1 ? '' : 's'}` : '', manifests ? `${manifests} manifest${manifests === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  const zh = [images ? `${images} 个镜像` : '', manifests ? `${manifests} 个清单` : ''].filter(Boolean).join('和');
  return { en, zh };
}

export const downloadsCheck: DoctorCheck = {
  id: 'downloads',
  category: 'network',
  title: { en: 'Downloads for kindlab up', zh: 'kindlab up 要下载的内容' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const { facts, settings } = ctx;
    const needs = neededFor(settings, facts.pins);
    const nodeImage = nodeImageOf(settings, facts.pins);
    const engine = await runningEngine(ctx);
    const [onNodes, cached, cache] = await Promise.all([engine ? facts.nodeImages(settings.name) : null, facts.cachedManifests(), settings.imageCache === false || !engine ? null : facts.cacheStatus()]);
    // An image the image cache holds reaches the nodes from there, without the internet.
    const inCache = new Set(cache?.enabled ? cache.images.filter((i) => i.cached).map((i) => canonicalImage(i.ref)) : []);
    const here = await Promise.all(
      needs.map(async (n) => {
        if (n.kind === 'manifest') return cached.includes(n.ref);
        if (onNodes && nodeHas(n.ref, onNodes)) return true;
        if (inCache.has(canonicalImage(n.ref))) return true;
        // The engine's own store matters for the node image only: kind creates the nodes from it,
        // and the nodes pull the add-ons' images themselves.
        return n.ref === nodeImage && engine !== null && (await facts.imagePresent(n.ref)) === true;
      }),
    );
    // A node image of the learner's own (an air-gapped classroom's) may carry the add-on and lab
    // images inside it, where the engine cannot see them before a node starts. Those are not
    // asked for on the network: up shows soon enough whether the nodes have to pull them.
    const nodeImageHere = here[0] === true;
    const ownNodeImage = settings.nodeImage !== undefined && settings.nodeImage !== facts.pins.nodeImage && nodeImageHere && !onNodes;
    const maybeInside = ownNodeImage ? needs.filter((n, i) => !here[i] && n.kind === 'image') : [];
    const missing = needs.filter((n, i) => !here[i] && !maybeInside.includes(n));
    if (missing.length === 0 && maybeInside.length > 0) {
      return {
        status: 'ok',
        finding: fillLocalized(
          {
            en: 'The node image {image} is here; kindlab cannot see before the nodes start whether it carries the other {what} (if not, the nodes pull them from {sources}).',
            zh: '节点镜像 {image} 已在本机；节点启动前，kindlab 看不到其中是否已带有其余的{what}（若没有，节点会从 {sources} 拉取）。',
          },
          { image: nodeImage, what: amount(maybeInside), sources: [...new Set(maybeInside.map((n) => n.source))].join(', ') },
        ),
      };
    }
    if (missing.length === 0) {
      return { status: 'ok', finding: fillLocalized({ en: 'Everything kindlab up needs is already here ({what}): nothing to download.', zh: 'kindlab up 需要的一切都已在本机（{what}）：无需下载。' }, { what: amount(needs) }) };
    }

    const sources = [...new Set(missing.map((n) => n.source))];
    const sample = (s: string) => missing.find((n) => n.source === s && n.url)?.url;
    const answers = await Promise.all(sources.map((s) => facts.reach(probeUrl(s, sample(s)))));
    const down = sources.map((s, i) => ({ source: s, reach: answers[i] as Reach })).filter((d) => !d.reach.ok);
    if (down.length === 0) {
      return {
        status: 'ok',
        finding: fillLocalized({ en: 'kindlab up will download {what}; every source answers ({sources}).', zh: 'kindlab up 将下载{what}；所有来源都有应答（{sources}）。' }, { what: amount(missing), sources: sources.join(', ') }),
      };
    }

    const downSet = new Set(down.map((d) => d.source));
    const blocked = missing.filter((n) => downSet.has(n.source));
    const blocksUp = blocked.some((n) => n.neededBy === 'up');
    // Every source failed at its name, straight (no proxy): is there any DNS at all?
    const allDns = down.length === sources.length && down.every((d) => !d.reach.ok && d.reach.why === 'dns' && d.reach.via === 'direct');
    const noDns = allDns && (await facts.resolve(NEUTRAL_NAME).then((a) => a.length === 0).catch(() => true));
    const reasons = down.map((d) => fillLocalized({ en: '{source} ({why})', zh: '{source}（{why}）' }, { source: d.source, why: d.reach.ok ? '' : WHY[d.reach.why] }));
    const reasonText: LocalizedText = { en: reasons.map((r) => r.en).join(', '), zh: reasons.map((r) => r.zh).join('、') };
    const where = noDns
      ? { en: ' No name resolves on this machine, not even {neutral}: it is offline or has no working DNS resolver.', zh: '这台机器上任何域名都无法解析，连 {neutral} 也不行：它处于离线状态，或没有可用的 DNS 解析器。' }
      : { en: '', zh: '' };
    const finding = fillLocalized(
      {
        en: `${blocksUp ? 'kindlab up cannot download' : 'The labs cannot download'} {what} it needs: {reasons}.${where.en}`,
        zh: `${blocksUp ? 'kindlab up 无法下载它需要的' : '实验无法下载所需的'}{what}：{reasons}。${where.zh}`,
      },
      { what: amount(blocked), reasons: reasonText, neutral: NEUTRAL_NAME },
    );

    const fixes: LocalizedText[] = [];
    // The window's wording names the Node image field where the CLI's names the flag.
    const appFixes: LocalizedText[] = [];
    const fixCommands: string[] = [];
    if (blocked.some((n) => n.kind === 'manifest')) {
      const manifests: LocalizedText = {
        en: 'Manifests: download the URLs that `kindlab manifests list` prints on a machine with internet, bring the folder over and run `kindlab manifests import FOLDER`.',
        zh: '清单：在能上网的机器上下载 `kindlab manifests list` 列出的 URL，把文件夹拷过来，再运行 `kindlab manifests import 文件夹`。',
      };
      fixes.push(manifests);
      appFixes.push(manifests);
      fixCommands.push('kindlab manifests list', 'kindlab manifests import FOLDER');
    }
    if (blocked.some((n) => n.kind === 'image')) {
      // One advice, two endings: the CLI names the flag, the window the field.
      const images: LocalizedText = {
        en: 'Images: the nodes pull them from their registries while the cluster is built, so connect this machine to the internet (behind a proxy, set HTTPS_PROXY: kind hands it to the nodes). The node image can come from your engine instead: docker load -i FILE, or ',
        zh: '镜像：集群构建时由节点从各自的镜像仓库拉取，所以请让这台机器连上互联网（如果使用代理，请设置 HTTPS_PROXY：kind 会把它交给节点）。节点镜像也可以来自本机的容器引擎：docker load -i 文件，或',
      };
      fixes.push({ en: `${images.en}--node-image with an image it already has.`, zh: `${images.zh}用 --node-image 指定引擎中已有的镜像。` });
      appFixes.push({
        en: `${images.en}an image it already has in ${APP_LABELS.advancedOptions.en} › ${APP_LABELS.nodeImage.en}.`,
        zh: `${images.zh}在“${APP_LABELS.advancedOptions.zh}”的“${APP_LABELS.nodeImage.zh}”中填写引擎里已有的镜像。`,
      });
    }
    const joined = (parts: LocalizedText[]): LocalizedText => ({ en: parts.map((f) => f.en).join(' '), zh: parts.map((f) => f.zh).join('') });
    return {
      status: blocksUp ? 'fail' : 'warn',
      finding,
      fix: joined(fixes),
      appFix: joined(appFixes),
      fixCommands,
    };
  },
};
