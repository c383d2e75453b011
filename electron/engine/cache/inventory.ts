// Every image a kindlab cluster and its labs can run, pure: the images of every add-on choice
// (each CNI, each ingress controller, MetalLB) whatever the current cluster chose, since a reset may
// switch choices offline; and the images of every lab (its manifests, the images its commands name,
// and the probe images the engine's checks run). Sources, in order: the pins' list per add-on (it
// also names what an operator renders at run time, such as Calico's components, which no
// manifest names), then the image fields of the pinned manifests when they are in the manifest
// cache (a reference that has no tag there is one kindlab pins itself, e.g. kube-router's).
import { parseAllDocuments } from 'yaml';
import type { AddonId } from '../../api.ts';
import type { Pins } from '../addons/pins.ts';
import { commandImages } from '../labs/images.ts';
import { type LoadedLab, type ManifestDoc, imagesOf } from '../labs/loader.ts';
import { canonicalRef, orderUpstreams, parseRef, upstreamOf } from './mirrors.ts';

export interface InventoryImage {
  /** The reference as the pins, the manifest or the lab writes it. */
  ref: string;
  upstream: string;
  /** Add-on ids and lab:<id>, sorted add-ons first. */
  usedBy: string[];
}

/** What a lab contributes: its id and every image reference it names. */
export interface LabImages {
  id: string;
  images: string[];
}

const ADDONS: readonly AddonId[] = ['calico', 'kube-router', 'ingress-nginx', 'traefik', 'metallb'];

/** The image fields of a YAML stream (any workload, pod or job); references with {{vars}} are skipped. */
export function manifestImages(text: string): string[] {
  const out: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) continue;
    const obj = doc.toJS() as ManifestDoc | null;
    if (!obj || typeof obj !== 'object') continue;
    for (const { image } of imagesOf(obj)) if (!image.includes('{{')) out.push(image);
  }
  return out;
}

/** Whether a reference is pinned (a tag or a digest): an untagged one is replaced by a pin when applied. */
function isPinned(ref: string): boolean {
  const last = ref.split('@')[0]?.split('/').pop() ?? '';
  return ref.includes('@') || last.includes(':');
}

/** Every image a loaded lab names: in its manifests, in its commands (`--image X`), and the engine's probe images. */
export function labImages(lab: Pick<LoadedLab, 'id' | 'spec' | 'manifests'>, pins: Pick<Pins, 'images'>): LabImages {
  const images: string[] = [];
  for (const text of lab.manifests.values()) images.push(...manifestImages(text));
  for (const step of lab.spec.steps) {
    for (const a of step.actions) if ('run' in a) images.push(...commandImages(a.run.split(/\s+/)));
  }
  // Every lab's checks may probe with curl on the kind network or netshoot in a pod.
  images.push(pins.images.probe, pins.images.netshoot);
  return { id: lab.id, images: images.filter((i) => i && !i.includes('{{')) };
}

/**
 * The whole inventory, one entry per image (references that name the same image, such as
 * `busybox:1.37.0` and `docker.io/library/busybox:1.37.0`, are one), sorted by upstream in the
 * caches' order and then by reference.
 */
export function inventory(pins: Pick<Pins, 'addonImages' | 'manifests' | 'images'>, labs: readonly LabImages[], manifestTexts: ReadonlyMap<string, string> = new Map()): InventoryImage[] {
  const byKey = new Map<string, InventoryImage>();
  const add = (ref: string, user: string) => {
    const key = canonicalRef(ref);
    const found = byKey.get(key);
    if (found) {
      if (!found.usedBy.includes(user)) found.usedBy.push(user);
      return;
    }
    byKey.set(key, { ref, upstream: upstreamOf(ref), usedBy: [user] });
  };
  for (const addon of ADDONS) {
    for (const ref of pins.addonImages[addon] ?? []) add(ref, addon);
    for (const m of pins.manifests) {
      if (m.addon !== addon) continue;
      const text = manifestTexts.get(m.id);
      if (text) for (const ref of manifestImages(text)) if (isPinned(ref)) add(ref, addon);
    }
  }
  for (const lab of labs) for (const ref of lab.images) add(ref, `lab:${lab.id}`);
  const order = orderUpstreams([...byKey.values()].map((i) => i.upstream));
  const rank = (u: string) => order.indexOf(u);
  const addonRank = (u: string) => (u.startsWith('lab:') ? ADDONS.length : ADDONS.indexOf(u as AddonId));
  for (const i of byKey.values()) i.usedBy.sort((a, b) => addonRank(a) - addonRank(b) || a.localeCompare(b));
  return [...byKey.values()].sort((a, b) => rank(a.upstream) - rank(b.upstream) || canonicalRef(a.ref).localeCompare(canonicalRef(b.ref)));
}

/** The upstreams an inventory needs a cache for, in the caches' order. */
export function upstreamsOf(images: readonly Pick<InventoryImage, 'upstream'>[]): string[] {
  return orderUpstreams(images.map((i) => i.upstream));
}

/** The images one cluster's settings run (its add-on choices and MetalLB), for `up`'s own needs. */
export function imagesFor(images: readonly InventoryImage[], addons: readonly AddonId[]): InventoryImage[] {
  return images.filter((i) => i.usedBy.some((u) => (addons as readonly string[]).includes(u)));
}

/** The path and reference of an image inside its cache: what the registry API is asked for. */
export function registryPath(ref: string): { path: string; reference: string } {
  const r = parseRef(ref);
  return { path: r.path, reference: r.digest ?? r.tag ?? 'latest' };
}
