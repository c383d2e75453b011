// What a cluster is built from besides its name: the node image, the CNI and the ingress
// controller. Chosen per cluster, and remembered in the cluster's folder once it is built, so that
// `status`, a reset or a lab run without flags speaks about the cluster as it really is (a cluster
// built with --cni kube-router stays a kube-router cluster until reset --full chooses otherwise).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterSettings, CniChoice, IngressChoice } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';

export const CNI_CHOICES: readonly CniChoice[] = ['calico', 'kube-router'];
export const INGRESS_CHOICES: readonly IngressChoice[] = ['ingress-nginx', 'traefik'];

export type Choices = Pick<ClusterSettings, 'cni' | 'ingress'> & { nodeImage?: string };

const CHOICES_FILE = 'choices.json';

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string, flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new KindlabError({
    code: 'bad-input',
    message: both({ en: `"${value}" is not a ${what} kindlab can install`, zh: `"${value}" 不是 kindlab 能安装的${what === 'CNI' ? ' CNI' : ' Ingress 控制器'}` }),
    hint: both({ en: `Use ${flag} ${allowed.join(' or ')}.`, zh: `请使用 ${flag} ${allowed.join(' 或 ')}。` }),
  });
}

export function assertCni(value: string): CniChoice {
  return oneOf(value, CNI_CHOICES, 'CNI', '--cni');
}

export function assertIngress(value: string): IngressChoice {
  return oneOf(value, INGRESS_CHOICES, 'ingress controller', '--ingress');
}

/** A node image reference as docker takes it: no spaces, no shell metacharacters, not empty. */
export function assertNodeImage(value: string): string {
  const v = value.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/.test(v) && !v.endsWith(':') && !v.endsWith('@')) return v;
  throw new KindlabError({
    code: 'bad-input',
    message: both({ en: `"${value}" is not an image reference`, zh: `"${value}" 不是镜像引用` }),
    hint: both({ en: 'Give a node image as docker names it, for example kindest/node:v1.35.8@sha256:… or registry.example:5000/kindest/node:v1.35.8.', zh: '请按 docker 的写法给出节点镜像，例如 kindest/node:v1.35.8@sha256:… 或 registry.example:5000/kindest/node:v1.35.8。' }),
  });
}

/** Pure: the remembered choices from the file's text; anything unreadable counts as not remembered. */
export function parseChoices(text: string): Partial<Choices> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<Choices> = {};
  if (typeof r.cni === 'string' && (CNI_CHOICES as readonly string[]).includes(r.cni)) out.cni = r.cni as CniChoice;
  if (typeof r.ingress === 'string' && (INGRESS_CHOICES as readonly string[]).includes(r.ingress)) out.ingress = r.ingress as IngressChoice;
  if (typeof r.nodeImage === 'string' && r.nodeImage.trim()) out.nodeImage = r.nodeImage.trim();
  return out;
}

export function readChoices(clusterDir: string): Partial<Choices> {
  try {
    return parseChoices(readFileSync(join(clusterDir, CHOICES_FILE), 'utf8'));
  } catch {
    return {};
  }
}

export async function writeChoices(clusterDir: string, choices: Choices): Promise<void> {
  await mkdir(clusterDir, { recursive: true });
  const body = { cni: choices.cni, ingress: choices.ingress, ...(choices.nodeImage ? { nodeImage: choices.nodeImage } : {}) };
  await writeFile(join(clusterDir, CHOICES_FILE), `${JSON.stringify(body, null, 2)}\n`);
}
