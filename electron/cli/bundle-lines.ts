// The CLI's summary of a bundle export or import: where, how big, what it holds, how long. Pure.
import type { BundleResult, Lang } from '../api.ts';

/** 83 s → "1 min 23 s"; under a minute with one decimal (the time is what a classroom plans by). */
export function durationText(ms: number, lang: Lang): string {
  const s = ms / 1000;
  if (s < 60) return lang === 'zh' ? `${s.toFixed(1)} 秒` : `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return lang === 'zh' ? `${m} 分 ${rest} 秒` : `${m} min ${rest} s`;
}

export function bundleLines(r: BundleResult, direction: 'export' | 'import', lang: Lang): string[] {
  const mb = (r.bytes / 1e6).toFixed(1);
  const time = durationText(r.durationMs, lang);
  if (lang === 'zh') {
    return direction === 'export'
      ? [`离线包已写出：${r.file}`, `  ${mb} MB，${r.images} 个镜像，${r.manifests} 个清单，用时 ${time}`, '  在没有网络的机器上：kindlab bundle import 文件']
      : [`离线包已导入：${r.file}`, `  ${mb} MB，${r.images} 个镜像，${r.manifests} 个清单，用时 ${time}`, '  镜像缓存现为本地模式；之后 kindlab up 和各实验无需网络。'];
  }
  return direction === 'export'
    ? [`Bundle written: ${r.file}`, `  ${mb} MB, ${r.images} images, ${r.manifests} manifests, in ${time}`, '  On a machine without internet: kindlab bundle import FILE']
    : [`Bundle imported: ${r.file}`, `  ${mb} MB, ${r.images} images, ${r.manifests} manifests, in ${time}`, '  The image caches now serve them locally; kindlab up and the labs need no internet.'];
}
