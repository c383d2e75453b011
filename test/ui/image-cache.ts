// Tier 4, issue 11: the cluster screen's image cache card in a real browser against the fake
// world. It starts empty, "Download lab images" shows its progress and leaves every image cached,
// "Clear cache" asks first and empties it again, "Import bundle" fills it from an exported
// bundle, and the card speaks Chinese. run.ts calls `imageCache` with its step runner.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Runner } from './first-hour.ts';
import { startUiWorld } from './world.ts';

const T = { short: 5_000, op: 30_000 };

async function waitForCount(cond: () => Promise<boolean>, what: string, timeout = T.short): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function imageCache(context: BrowserContext, r: Runner): Promise<void> {
  console.log('the image cache card (fake Docker with registry containers):');
  const ui = await startUiWorld({ scenario: { timings: { kindStepMs: 60, podStartMs: 40 } } });
  const page = await context.newPage();
  r.watch(page);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  const card = page.locator('section[data-cache]');
  const counts = async () => ({ cached: Number(await card.locator('[data-cached]').getAttribute('data-cached')), total: Number(await card.locator('[data-cached]').getAttribute('data-total')) });
  try {
    await r.step('the cluster screen shows the image cache card: what it holds, of how many images', async () => {
      await page.goto(ui.url);
      await page.getByRole('heading', { name: 'Check this machine' }).waitFor();
      await page.locator('aside.sidebar nav').getByRole('link', { name: 'Cluster', exact: true }).click();
      await page.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
      await card.getByRole('heading', { name: 'Image cache' }).waitFor();
      await card.locator('[data-cached]').waitFor({ timeout: T.short });
      const { cached, total } = await counts();
      assert.ok(total >= 10, `the card lists every image the add-ons and labs need (${total})`);
      assert.ok(cached < total, 'a fresh machine has not cached them all');
      await card.getByText(`${cached} of ${total} images cached`).waitFor();
      assert.equal(await card.getByRole('button', { name: 'Download lab images' }).isEnabled(), true);
      await card.scrollIntoViewIfNeeded();
      await r.shot(page, '18-cache-card');
    });

    await r.step('Download lab images shows its progress, then a full cache', async () => {
      await card.getByRole('button', { name: 'Download lab images' }).click();
      const panel = card.locator('section.op');
      await panel.waitFor();
      await panel.getByRole('heading', { name: 'Downloading the lab images' }).waitFor();
      await panel.locator('[role="progressbar"]').first().waitFor();
      await card.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      assert.equal(await panel.locator('.overall [role="progressbar"]').getAttribute('aria-valuenow'), '100');
      // A finished download folds its phases (one per upstream) away, as a build does.
      await panel.getByRole('button', { name: /^Show the \d+ phases$/ }).click();
      await panel.locator('[data-phase="cache"]').waitFor();
      const states: (string | null)[] = [];
      for (const row of await panel.locator('[data-phase]').all()) states.push(await row.getAttribute('data-state'));
      assert.ok(states.length >= 3, `a phase to start the caches and one per upstream (${states.join(', ')})`);
      assert.deepEqual(states.filter((x) => x !== 'done' && x !== 'skipped'), [], 'every phase done');
      await page.locator('section[data-cache="full"]').waitFor({ timeout: T.short });
      const { cached, total } = await counts();
      assert.equal(cached, total, 'every image is cached');
      await card.getByText('Every image is cached').waitFor();
      assert.equal(await card.getByRole('button', { name: 'Download lab images' }).isDisabled(), true, 'nothing left to download');
      assert.ok((await card.locator('[data-upstream][data-state="running"]').count()) >= 2, 'a running cache per upstream');
      await card.scrollIntoViewIfNeeded();
      await r.shot(page, '19-cache-full');
    });

    await r.step('中文: the card in Chinese', async () => {
      await page.getByRole('button', { name: '中文' }).click();
      await card.getByRole('heading', { name: '镜像缓存' }).waitFor();
      await card.getByRole('button', { name: '下载实验镜像' }).waitFor();
      await card.getByRole('button', { name: '清空缓存' }).waitFor();
      await card.getByRole('button', { name: '导入离线包' }).waitFor();
      await page.getByRole('button', { name: 'EN' }).click();
      await card.getByRole('heading', { name: 'Image cache' }).waitFor();
    });

    // What `kindlab bundle export` writes on a machine with internet, from the full cache.
    const bundle = join(ui.world.root, 'kindlab-bundle.tar');
    await r.step('(a bundle is exported from the full cache, as the CLI does)', async () => {
      const written = await ui.engine.invoke('bundle:export', { opId: 'op-tier4-export', file: bundle });
      assert.ok(written.images >= 10, `the bundle holds the images (${written.images})`);
    });

    await r.step('Clear cache asks first, then empties the cache', async () => {
      await card.getByRole('button', { name: 'Clear cache' }).click();
      const dialog = page.getByRole('dialog', { name: 'Clear the image cache?' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('section[data-cache="full"]').waitFor();
      await card.getByRole('button', { name: 'Clear cache' }).click();
      await dialog.getByRole('button', { name: 'Clear cache' }).click();
      await card.getByText(/Removed: kindlab-cache-/).waitFor({ timeout: T.op });
      await page.locator('section[data-cache="empty"]').waitFor({ timeout: T.short });
      assert.equal((await counts()).cached, 0);
      assert.equal(await card.getByRole('button', { name: 'Download lab images' }).isEnabled(), true);
    });

    await r.step('Import bundle from a path shows its progress, what it read, and fills the cache again', async () => {
      assert.equal(await card.getByRole('button', { name: 'Import bundle' }).isDisabled(), true, 'no path, no import');
      await card.getByRole('textbox', { name: 'Bundle file' }).fill(bundle);
      await card.getByRole('button', { name: 'Import bundle' }).click();
      const panel = card.locator('section.op');
      await panel.getByRole('heading', { name: 'Importing the offline bundle' }).waitFor();
      await card.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      await card.getByText(/Imported \d+ images and \d+ manifests \(.+\) in \d+:\d\d\./).waitFor({ timeout: T.short });
      await waitForCount(async () => (await counts()).cached > 0, 'the imported images in the cache');
      await card.scrollIntoViewIfNeeded();
      await r.shot(page, '20-cache-bundle-imported');
    });

    await r.step('no errors in the page console (image cache)', async () => {
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.clearCookies();
    await page.close();
    await ui.close();
  }
}
