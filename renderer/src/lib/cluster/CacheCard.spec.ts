// The cache card mounted in happy-dom against a scripted client: it reads the status, runs
// "Download lab images" with progress drawn from op events, clears after a confirm, imports a
// bundle from a path, says when the cache is off, and shows a failure with its app hint.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CacheImage, CacheStatus, Channel, EventEnvelope, OpEvent, RequestOf, ResponseOf } from '../api/contract.ts';
import { ApiFailure } from '../api/failure.ts';
import type { ApiClient } from '../api/ws-client.ts';
import { cache } from '../stores/cache.svelte.ts';
import { startSession } from '../stores/session.svelte.ts';
import CacheCard from './CacheCard.svelte';

type Handler = (req: unknown) => Promise<unknown>;

function fakeClient(handlers: Partial<Record<Channel, Handler>>) {
  const listeners = new Set<(e: EventEnvelope) => void>();
  const calls: { channel: Channel; req: unknown }[] = [];
  const client: ApiClient = {
    invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
      calls.push({ channel, req });
      const h = handlers[channel];
      if (h) return h(req) as Promise<ResponseOf<C>>;
      if (channel === 'op:list') return Promise.resolve({ ops: [] } as ResponseOf<C>);
      return Promise.reject(new ApiFailure({ code: 'internal', message: `${channel} is not scripted`, hint: '' }));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: () => ({ state: 'open', attempt: 0, reconnected: false }),
    onStatus: () => () => undefined,
    retryNow: () => undefined,
    close: () => undefined,
  };
  const emit = (payload: OpEvent) => {
    for (const l of listeners) l({ event: 'op', payload });
  };
  return { client, calls, emit };
}

const img = (ref: string, cached: boolean): CacheImage => ({ ref, upstream: ref.split('/')[0] ?? '', usedBy: ['lab:services'], cached, sizeBytes: cached ? 5_000_000 : null });

function status(cachedRefs: string[], over: Partial<CacheStatus> = {}): CacheStatus {
  const refs = ['docker.io/library/postgres:17', 'quay.io/metallb/speaker:v0.15.3', 'registry.k8s.io/pause:3.10'];
  const images = refs.map((r) => img(r, cachedRefs.includes(r)));
  return {
    enabled: true,
    mode: 'proxy',
    upstreams: ['docker.io', 'quay.io', 'registry.k8s.io'].map((u) => ({
      upstream: u,
      container: `kindlab-cache-${u}`,
      volume: `kindlab-cache-${u}`,
      endpoint: `http://kindlab-cache-${u}:5000`,
      hostPort: null,
      exists: cachedRefs.length > 0,
      running: cachedRefs.length > 0,
      sizeBytes: cachedRefs.length > 0 ? 5_000_000 : null,
    })),
    images,
    cachedCount: images.filter((i) => i.cached).length,
    totalCount: images.length,
    totalBytes: cachedRefs.length * 5_000_000,
    ...over,
  };
}

const phase = (id: string, state: 'pending' | 'running' | 'done', fraction: number) => ({ id, title: { en: `Fill the ${id} cache`, zh: `填充 ${id} 缓存` }, state, fraction });

let component: ReturnType<typeof mount> | null = null;
const text = () => document.body.textContent ?? '';
const button = (name: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as HTMLButtonElement;

function render(): void {
  component = mount(CacheCard, { target: document.body });
  flushSync();
}

beforeEach(() => {
  cache.status = null;
  cache.statusFailure = null;
  cache.run = null;
  cache.importPath = '';
  // happy-dom's <dialog> may lack the modal methods; the card only needs them to open and close.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

describe('the cache card', () => {
  it('shows how full the cache is, downloads with progress, then shows it full', async () => {
    let finishWarm: (s: CacheStatus) => void = () => undefined;
    const { client, calls, emit } = fakeClient({
      'cache:status': () => Promise.resolve(status(['quay.io/metallb/speaker:v0.15.3'])),
      'cache:warm': () => new Promise((r) => (finishWarm = r as (s: CacheStatus) => void)),
    });
    startSession(client);
    render();
    await vi.waitFor(() => expect(text()).toContain('1 of 3 images cached'));
    expect(text()).toContain('2 image(s) still to download.');
    expect(text()).toContain('Not cached yet (2)');
    expect(document.querySelector('[data-upstream="quay.io"]')?.getAttribute('data-state')).toBe('running');
    expect(document.querySelector('[data-cache]')?.getAttribute('data-cache')).toBe('partial');

    button('Download lab images').click();
    flushSync();
    const warm = calls.find((c) => c.channel === 'cache:warm');
    const opId = (warm?.req as { opId: string }).opId;
    expect(opId).toMatch(/^op-/);
    await vi.waitFor(() => expect(button('Download lab images').disabled).toBe(true));
    expect(button('Clear cache').disabled).toBe(true);

    emit({ opId, type: 'started', kind: 'cache-warm', phases: [phase('docker.io', 'running', 0), phase('registry.k8s.io', 'pending', 0)] });
    emit({ opId, type: 'phase', phase: phase('docker.io', 'running', 0.5) });
    await vi.waitFor(() => expect(document.querySelector('section.op [data-phase="docker.io"]')).not.toBeNull());
    expect(text()).toContain('Downloading the lab images');
    expect(document.querySelector('section.op .overall [role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('25');

    const phases = [phase('docker.io', 'done', 1), phase('registry.k8s.io', 'done', 1)];
    emit({ opId, type: 'finished', ok: true, durationMs: 4200, phases });
    finishWarm(status(['docker.io/library/postgres:17', 'quay.io/metallb/speaker:v0.15.3', 'registry.k8s.io/pause:3.10']));
    await vi.waitFor(() => expect(text()).toContain('Every image is cached'));
    expect(text()).toContain('3 of 3 images cached');
    expect(document.querySelector('section.op')?.getAttribute('data-status')).toBe('done');
    // Nothing left to fetch.
    expect(button('Download lab images').disabled).toBe(true);
    expect(button('Clear cache').disabled).toBe(false);
  });

  it('clears only after the confirm, and says what went', async () => {
    let cleared = false;
    const { client, calls } = fakeClient({
      'cache:status': () => Promise.resolve(cleared ? status([]) : status(['registry.k8s.io/pause:3.10'])),
      'cache:clear': () => {
        cleared = true;
        return Promise.resolve({ removed: ['kindlab-cache-docker.io', 'kindlab-cache-quay.io'] });
      },
    });
    startSession(client);
    render();
    await vi.waitFor(() => expect(text()).toContain('1 of 3 images cached'));
    button('Clear cache').click();
    flushSync();
    const dialog = document.querySelector('dialog') as HTMLDialogElement;
    expect(dialog.hasAttribute('open')).toBe(true);
    expect(calls.some((c) => c.channel === 'cache:clear')).toBe(false);
    // The dialog's own confirm button (the card's button has the same words).
    (dialog.querySelector('button.danger') as HTMLButtonElement).click();
    flushSync();
    await vi.waitFor(() => expect(text()).toContain('Removed: kindlab-cache-docker.io, kindlab-cache-quay.io.'));
    await vi.waitFor(() => expect(text()).toContain('0 of 3 images cached'));
    expect(text()).toContain('Nothing is cached yet.');
  });

  it('imports a bundle from a path, and shows a refused one with its app hint', async () => {
    let attempt = 0;
    const { client, calls } = fakeClient({
      'cache:status': () => Promise.resolve(status([])),
      'bundle:import': () => {
        attempt += 1;
        if (attempt === 1) {
          return Promise.reject(
            new ApiFailure({
              code: 'checksum-mismatch',
              message: { en: 'The bundle does not match the pins', zh: '离线包与锁定版本不符' },
              hint: { en: 'Export it again with kindlab bundle export FILE', zh: '用 kindlab bundle export FILE 重新导出' },
              appHint: { en: 'Export it again on a machine with internet, with this version of kindlab.', zh: '在联网机器上用这一版本的 kindlab 重新导出。' },
            }),
          );
        }
        return Promise.resolve({ file: '/data/b.tar', bytes: 1_234_000_000, images: 14, manifests: 6, durationMs: 65_000 });
      },
    });
    startSession(client);
    render();
    await vi.waitFor(() => expect(text()).toContain('0 of 3 images cached'));
    expect(button('Import bundle').disabled).toBe(true);
    const input = document.querySelector('form.import input') as HTMLInputElement;
    input.value = ' /data/b.tar ';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(button('Import bundle').disabled).toBe(false);
    button('Import bundle').click();
    flushSync();
    await vi.waitFor(() => expect(text()).toContain('Export it again on a machine with internet'));
    expect(text()).toContain('The bundle does not match the pins');
    expect((calls.find((c) => c.channel === 'bundle:import')?.req as { file: string }).file).toBe('/data/b.tar');

    button('Import bundle').click();
    flushSync();
    await vi.waitFor(() => expect(text()).toContain('Imported 14 images and 6 manifests (1.2 GB) in 1:05.'));
  });

  it('says when the cache is off and how to turn it on, and offers no download', async () => {
    const { client } = fakeClient({ 'cache:status': () => Promise.resolve(status([], { enabled: false })) });
    startSession(client);
    render();
    await vi.waitFor(() => expect(text()).toContain('The image cache is off'));
    expect(text()).toContain('To turn it on, tick “Image cache” under Advanced options, then run a full reset.');
    expect(button('Download lab images').disabled).toBe(true);
  });

  it('shows a status it cannot read as a failure, and asks again only on the button', async () => {
    const { client, calls } = fakeClient({
      'cache:status': () => Promise.reject(new ApiFailure({ code: 'daemon-unreachable', message: 'Cannot connect to the Docker daemon', hint: 'Start Docker' })),
    });
    startSession(client);
    render();
    await vi.waitFor(() => expect(text()).toContain('Could not read the image cache.'));
    expect(text()).toContain('Start Docker');
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.filter((c) => c.channel === 'cache:status')).toHaveLength(1);
    (document.querySelector('button[aria-label="Check the cache again"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(calls.filter((c) => c.channel === 'cache:status')).toHaveLength(2));
  });
});
