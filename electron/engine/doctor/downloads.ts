// What `kindlab up` will download for a cluster with these settings, and from where: the node
// image (pulled by the container engine), the add-ons' images (pulled by the nodes' containerd),
// the labs' images (pulled when a lab runs) and the pinned manifests (fetched by kindlab). Pure:
// the downloads check (checks/downloads.ts) asks the machine what is already here and which
// sources answer.
import type { ClusterSettings } from '../../api.ts';
import type { Pins } from '../addons/pins.ts';
import { nodeImageOf } from '../context.ts';

export interface Need {
  kind: 'image' | 'manifest';
  /** The image reference, or the manifest's pin id. */
  ref: string;
  /** The host it comes from: a registry (docker.io, quay.io, …) or the manifests' web host. */
  source: string;
  /** up: the build stops without it; labs: a lab's probe pods need it later. */
  neededBy: 'up' | 'labs';
  /** For manifests: the URL, for the message and the import. */
  url?: string;
}

/** The registry an image reference names: its first part when that is a host, else Docker Hub. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  const isHost = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'docker.io';
}

/** Where a source is asked whether it answers: a registry's API root, a web host's root. */
export function probeUrl(source: string, sample?: string): string {
  if (sample && /^https?:\/\//.test(sample)) return new URL(sample).origin + '/';
  // Docker Hub's registry answers on its own name; the others on theirs.
  const host = source === 'docker.io' ? 'registry-1.docker.io' : source;
  return `https://${host}/v2/`;
}

/** Everything up needs for these settings, node image first; then what the labs pull. */
export function neededFor(settings: ClusterSettings, pins: Pins): Need[] {
  const image = (ref: string, neededBy: Need['neededBy']): Need => ({ kind: 'image', ref, source: registryOf(ref), neededBy });
  const addons = [settings.cni, settings.ingress, 'metallb'] as const;
  const needs: Need[] = [image(nodeImageOf(settings, pins), 'up')];
  for (const a of addons) for (const ref of pins.addonImages[a] ?? []) needs.push(image(ref, 'up'));
  for (const m of pins.manifests) {
    if (!(addons as readonly string[]).includes(m.addon)) continue;
    needs.push({ kind: 'manifest', ref: m.id, source: new URL(m.url).host, neededBy: 'up', url: m.url });
  }
  for (const ref of [pins.images.probe, pins.images.netshoot]) needs.push(image(ref, 'labs'));
  return needs;
}

/** Image references as containerd lists them: docker.io/library/ spelled out, the tag kept. */
export function canonicalImage(ref: string): string {
  const [name = '', digest] = ref.split('@');
  const registry = registryOf(name);
  let path = registry === 'docker.io' && !name.startsWith('docker.io/') ? name : name.slice(registry.length + 1);
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const tagged = /:[^/]+$/.test(path) ? path : `${path}:latest`;
  return `${registry}/${tagged}${digest ? `@${digest}` : ''}`;
}

/** Whether a node that lists these references (tags and digests) has `ref`. */
export function nodeHas(ref: string, listed: ReadonlySet<string>): boolean {
  const want = canonicalImage(ref);
  const [tagged = '', digest] = want.split('@');
  if (listed.has(tagged)) return true;
  if (digest) return listed.has(`${tagged.replace(/:[^/]+$/, '')}@${digest}`);
  return false;
}

/** The tags and digests in `crictl images -o json` (what a kind node's containerd holds); null when unreadable. */
export function parseCrictlImages(stdout: string): Set<string> | null {
  try {
    const doc = JSON.parse(stdout) as { images?: { repoTags?: string[] | null; repoDigests?: string[] | null }[] };
    if (!Array.isArray(doc.images)) return null;
    return new Set(doc.images.flatMap((i) => [...(i.repoTags ?? []), ...(i.repoDigests ?? [])]));
  } catch {
    return null;
  }
}
