// The words on the app's own buttons and screens that the engine's hints quote ("Build cluster on
// the Cluster screen"). The renderer's catalogs take their labels from here and the engine words
// its hints with them, so a hint always names a button as the screen shows it.
import type { LocalizedText } from '../api.ts';

export const APP_LABELS = {
  clusterScreen: { en: 'Cluster', zh: '集群' },
  buildCluster: { en: 'Build cluster', zh: '创建集群' },
  deleteCluster: { en: 'Delete', zh: '删除' },
  reset: { en: 'Reset', zh: '重置' },
  resetFast: { en: 'Fast', zh: '快速' },
  resetFull: { en: 'Full', zh: '完全' },
  advancedOptions: { en: 'Advanced options', zh: '高级选项' },
  nodeImage: { en: 'Node image', zh: '节点镜像' },
  downloadLabImages: { en: 'Download lab images', zh: '下载实验镜像' },
} as const satisfies Record<string, LocalizedText>;

/** Every label in one language: what a hint may quote as a button or a screen. */
export function appLabels(lang: keyof LocalizedText): string[] {
  return Object.values(APP_LABELS).map((l) => l[lang]);
}
