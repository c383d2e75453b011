// `kindlab cache status` as text: one line per cache, then one per image with whether it is
// cached, and a closing line that says what to do next. Pure, like format.ts.
import type { CacheStatus, Lang } from '../api.ts';

/** 1536 → "1.5 KiB"; null → "?". */
export function bytesText(n: number | null): string {
  if (n === null) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function cacheStatusLines(s: CacheStatus, lang: Lang): string[] {
  const zh = lang === 'zh';
  const lines: string[] = [];
  lines.push(
    zh
      ? `镜像缓存：${s.enabled ? '开启' : '关闭'}（${s.mode} 模式），已缓存 ${s.cachedCount}/${s.totalCount} 个镜像，共 ${bytesText(s.totalBytes)}`
      : `Image cache: ${s.enabled ? 'on' : 'off'} (${s.mode} mode), ${s.cachedCount}/${s.totalCount} images cached, ${bytesText(s.totalBytes)} in all`,
  );
  lines.push('');
  for (const u of s.upstreams) {
    const state = !u.exists ? (zh ? '未创建' : 'not created') : u.running ? (zh ? '运行中' : 'running') : zh ? '已停止' : 'stopped';
    lines.push(`  ${u.upstream.padEnd(18)} ${u.container.padEnd(32)} ${(u.hostPort ? `127.0.0.1:${u.hostPort}` : '-').padEnd(16)} ${state.padEnd(12)} ${bytesText(u.sizeBytes)}`);
  }
  lines.push('');
  for (const i of s.images) lines.push(`  ${i.cached ? '✓' : '·'} ${i.ref}  (${i.usedBy.join(', ')})`);
  lines.push('');
  if (!s.enabled) lines.push(zh ? '缓存已关闭（KINDLAB_CACHE=off 或 --no-cache）。' : 'The cache is off (KINDLAB_CACHE=off or --no-cache).');
  else if (s.cachedCount < s.totalCount) lines.push(zh ? '要提前下载其余镜像：kindlab cache warm' : 'To download the rest ahead of time: kindlab cache warm');
  else lines.push(zh ? '所有镜像都已缓存：up 和重置无需访问镜像仓库。' : 'Every image is cached: up and the resets need no registry.');
  return lines;
}
