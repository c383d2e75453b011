// Tier 4: the UI in a real browser (Debian's Chromium through playwright-core) against browser
// mode, with the real engine in the fake world. It clicks through every screen the way a
// learner would, asserts on visible text, and photographs each screen into
// test-results/screenshots/ (with KINDLAB_UPDATE_SCREENSHOTS=1 a curated few are copied to
// docs/screenshots/ for the README).
//
//   npm run test:ui                    build the UI, run everything
//   KINDLAB_UI_HEADED=1 npm run test:ui   watch it (needs a display)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { RestKubeClient } from '../../electron/engine/kube/client.ts';
import { forwardPort } from '../support/tcp-forward.ts';
import { type UiWorld, startUiWorld } from './world.ts';
import { firstHour } from './first-hour.ts';
import { imageCache } from './image-cache.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const DOCS_SHOTS = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.KINDLAB_CHROMIUM ?? '/usr/bin/chromium';
const T = { short: 5_000, op: 30_000 };

// ───────────── a tiny runner: named steps, timings, a screenshot when a step fails ─────────────

interface Result {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}
const results: Result[] = [];
let currentPage: Page | null = null;

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
    console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    results.push({ name, ok: false, ms: Date.now() - t0, error });
    console.log(`  ✗ ${name} (${Date.now() - t0} ms)\n${error.split('\n').slice(0, 8).join('\n').replace(/^/gm, '      ')}`);
    if (currentPage) await currentPage.screenshot({ path: join(SHOTS, `FAILED-${name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
  }
}

const shots: string[] = [];
async function shot(page: Page, name: string): Promise<void> {
  // Let transitions and the progress bars' easing settle.
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  shots.push(name);
}

async function see(page: Page, text: string | RegExp, timeout = T.short): Promise<void> {
  await page.getByText(text).first().waitFor({ state: 'visible', timeout });
}

async function nav(page: Page, name: string): Promise<void> {
  await page.locator('aside.sidebar nav').getByRole('link', { name, exact: true }).click();
}

async function xtermText(page: Page): Promise<string> {
  return (await page.locator('.xterm-rows').textContent()) ?? '';
}

async function waitFor(cond: () => Promise<boolean>, what: string, timeout = T.short): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ───────────── setup ─────────────

async function buildUi(): Promise<void> {
  const t0 = Date.now();
  await viteBuild({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  console.log(`built the UI in ${Date.now() - t0} ms`);
}

async function launch(): Promise<{ context: BrowserContext; profile: string }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set KINDLAB_CHROMIUM)`);
  const profile = mkdtempSync(join(tmpdir(), 'kindlab-chromium-'));
  const headed = process.env.KINDLAB_UI_HEADED === '1';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: !headed,
    args: [...(headed ? [] : ['--headless']), '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1360, height: 860 },
    locale: 'en-US',
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  return { context, profile };
}

function watchConsole(page: Page, errors: string[]): void {
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
}

// ───────────── the scenarios ─────────────

async function healthyMachine(context: BrowserContext): Promise<void> {
  console.log('a healthy machine (fake Docker, kind, kubectl and API server):');
  // Slower fake kind so the build is visible mid-way; still seconds in total.
  const ui = await startUiWorld({ scenario: { timings: { kindStepMs: 120, podStartMs: 60 } } });
  const page = await context.newPage();
  currentPage = page;
  const errors: string[] = [];
  watchConsole(page, errors);
  try {
    await step('the token URL, opened as http://localhost:PORT, opens the app and the doctor shows findings by category', async () => {
      // localhost, not the printed 127.0.0.1: what a learner types, and what a tunnel's page says in its Origin.
      await page.goto(ui.url.replace('//127.0.0.1:', '//localhost:'));
      assert.match(page.url(), /^http:\/\/localhost:\d+\/$/);
      assert.ok(!page.url().includes('token='), 'the token is traded for a cookie and leaves the address bar');
      await page.getByRole('heading', { name: 'Check this machine' }).waitFor();
      await see(page, /Ready, with \d+ warning|ready for the labs/, 10_000);
      assert.ok((await page.locator('article.finding').count()) >= 8, 'at least 8 findings');
      for (const category of ['Tools', 'Container engine', 'This computer']) await page.getByRole('heading', { name: category, exact: true, level: 2 }).waitFor();
      await see(page, 'Next: build the cluster');
      await shot(page, '01-setup-doctor');
    });

    await step('the cluster screen pictures the planned cluster and the ingress notice', async () => {
      await nav(page, 'Cluster');
      await page.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
      await page.locator('[data-node="cluster01-worker"][data-ready="null"]').waitFor();
      await page.locator('[data-node="cluster01-control-plane"]').waitFor();
      await see(page, 'ingress-nginx is retired');
      await see(page, /retired upstream in March 2026/);
      await see(page, 'No cluster yet');
      await shot(page, '02-cluster-not-built');
    });

    await step('Build runs the phases with progress bars to done, and the picture shows nodes and pools', async () => {
      await page.getByRole('button', { name: 'Build cluster' }).click();
      await page.locator('section.op').waitFor();
      await see(page, 'Building the cluster');
      // Any phase that lasts long enough to be seen running: Playwright's waits poll at growing
      // intervals, and with the cache's two phases first the fake add-ons' 250 ms fell between polls.
      await page.locator(['cluster', 'cni', 'ingress', 'metallb'].map((id) => `[data-phase="${id}"][data-state="running"]`).join(', ')).first().waitFor({ timeout: T.op });
      assert.equal(await page.getByRole('button', { name: 'Cancel' }).isVisible(), true, 'Cancel is offered while running');
      await page.getByRole('button', { name: /Show the log \(\d+\)/ }).click();
      await page.getByRole('log', { name: 'Operation log' }).waitFor();
      await shot(page, '03-cluster-building');
      await page.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      // A finished build folds its phases away; they are one click from view.
      await page.getByRole('button', { name: 'Show the 8 phases' }).click();
      assert.equal(await page.locator('section.op [data-state="failed"]').count(), 0);
      for (const id of ['preflight', 'cache', 'cluster', 'mirrors', 'cni', 'ingress', 'metallb', 'pools']) {
        assert.match((await page.locator(`[data-phase="${id}"]`).getAttribute('data-state')) ?? '', /done|skipped/, `phase ${id}`);
      }
      await see(page, /Done in \d+:\d\d/);
      await page.locator('[data-node="cluster01-worker"][data-ready="true"]').waitFor({ timeout: T.short });
      await page.locator('[data-node="cluster01-control-plane"][data-ready="true"]').waitFor();
      await page.locator('[data-pool="pool-01"]').waitFor();
      await page.locator('[data-pool="pool-02"]').waitFor();
      assert.match((await page.locator('[data-pool="pool-01"]').textContent()) ?? '', /172\.18\.200\.100 – \.125/);
      await see(page, 'Cluster ready');
      await page.getByRole('button', { name: 'Hide the phases' }).click();
      await page.getByRole('button', { name: 'Hide log' }).click();
      await shot(page, '04-cluster-ready');
    });

    await step('the labs list shows every lab with its steps and progress', async () => {
      await nav(page, 'Labs');
      await page.getByRole('heading', { name: 'Labs', exact: true }).waitFor();
      await page.locator('[data-lab="services"]').waitFor();
      assert.ok((await page.locator('[data-lab]').count()) >= 6);
      await see(page, 'Services: one stable address for many pods');
      await see(page, '5 steps');
      await shot(page, '05-labs');
    });

    await step('lab services, step 1: the book note shows and "Run step" passes', async () => {
      await page.locator('[data-lab="services"]').click();
      await page.getByRole('button', { name: 'Start with step 1' }).click();
      await see(page, 'Step 1 of 5');
      await see(page, 'Differs from the book:');
      assert.ok((await page.getByRole('button', { name: 'Run in terminal' }).count()) >= 1, 'bash blocks get a run button');
      await page.getByRole('button', { name: 'Run step', exact: true }).click();
      await page.locator('[data-verdict="pass"]').waitFor({ timeout: T.op });
      await page.locator('[data-check="three-pods-ready"][data-status="pass"]').waitFor();
      await see(page, 'Step passed.');
      await see(page, 'Three pods labelled run=nginx-frontend are Ready.');
      await see(page, '3 of 3 matching pod(s) Ready');
      await shot(page, '06-lab-step-passed');
    });

    await step('steps 2–4 pass and the live picture links Service → EndpointSlice → Pods', async () => {
      for (const n of [2, 3, 4]) {
        await page.locator(`nav [data-step="${n}"]`).click();
        await see(page, `Step ${n} of 5`);
        await page.getByRole('button', { name: /^Run step/ }).click();
        await page.locator('[data-verdict]').waitFor({ timeout: T.op });
        assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'pass', `step ${n} passes`);
      }
      await page.locator('[data-service="nginx-frontend"]').waitFor({ timeout: T.short });
      await waitFor(async () => (await page.locator('[data-pod^="nginx-frontend"][data-ready="true"]').count()) === 3, 'three ready pods under the slice');
      assert.match((await page.locator('[data-slice^="nginx-frontend"]').first().textContent()) ?? '', /3 ready/);
      await see(page, 'Live: Service → EndpointSlice → Pods');
      await page.locator('[data-pod][data-ready="true"]').last().scrollIntoViewIfNeeded();
      await shot(page, '07-lab-live-picture');
    });

    await step('the terminal opens with the lab KUBECONFIG and echoes a typed command', async () => {
      await page.getByRole('button', { name: 'Terminal', exact: true }).click();
      await see(page, /KUBECONFIG → .*cluster01/, 10_000);
      await page.locator('.xterm').click();
      await page.keyboard.type('echo kindlab-$((6*7))');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await xtermText(page)).includes('kindlab-42'), 'the shell to answer', 10_000);
      // "Run in terminal" types the step's command and presses Enter.
      await page.getByRole('button', { name: 'Run in terminal' }).first().click();
      await waitFor(async () => (await xtermText(page)).includes('kubectl get ep nginx-frontend'), 'the step command in the terminal');
      await shot(page, '08-terminal');
      // The session survives switching screens: same shell, its history still on screen.
      await nav(page, 'Cluster');
      await nav(page, 'Labs');
      assert.ok((await xtermText(page)).includes('kubectl get ep nginx-frontend'), 'the terminal kept its output');
      await page.locator('.xterm').click();
      await page.keyboard.type('echo again-$((1+1))');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await xtermText(page)).includes('again-2'), 'the same shell to answer');
    });

    await step('中文: the chrome and the lab text switch language', async () => {
      await nav(page, 'Labs');
      await see(page, '4 of 5 steps passed');
      await page.locator('[data-lab="services"]').click();
      await page.locator('nav [data-step="1"]').click();
      await page.getByRole('button', { name: '中文' }).click();
      await page.locator('aside.sidebar nav').getByRole('link', { name: '环境检查' }).waitFor();
      await see(page, '第 1 步，共 5 步');
      await see(page, '部署三个 nginx-frontend Pod');
      await see(page, /再次运行步骤|运行步骤/);
      await see(page, '终端');
      await page.getByRole('button', { name: '终端', exact: true }).click(); // fold the dock for a clean picture
      await shot(page, '09-lab-zh');
      await nav(page, '集群');
      await page.getByRole('heading', { name: '你的实验集群' }).waitFor();
      await see(page, 'ingress-nginx 已停止维护');
      await shot(page, '10-cluster-zh');
      await page.getByRole('button', { name: 'EN' }).click();
      await page.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
    });

    await step('the dark theme follows the OS', async () => {
      await nav(page, 'Cluster');
      await page.emulateMedia({ colorScheme: 'dark' });
      await waitFor(async () => (await page.evaluate<string>('getComputedStyle(document.body).backgroundColor')) === 'rgb(15, 20, 28)', 'the dark background');
      await shot(page, '11-cluster-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    });

    await step('a dropped connection shows the bar, and the app reconnects', async () => {
      await nav(page, 'Cluster');
      await ui.stopServer();
      await see(page, 'Connection to kindlab lost.', 10_000);
      await see(page, /Reconnecting/);
      await shot(page, '12-connection-lost');
      await ui.restartServer();
      await page.getByRole('button', { name: 'Retry now' }).click().catch(() => undefined);
      await page.getByText('Connection to kindlab lost.').waitFor({ state: 'hidden', timeout: 15_000 });
      await page.getByRole('button', { name: 'Refresh' }).click();
      await see(page, 'Cluster ready');
    });

    await step('Reset (fast) runs its phases; Delete asks first, then removes the cluster', async () => {
      await nav(page, 'Cluster');
      await page.getByText('Fast', { exact: true }).click();
      await page.getByRole('button', { name: 'Reset', exact: true }).click();
      await see(page, 'Fast reset');
      await page.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete the cluster cluster01?' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await see(page, 'Cluster ready');
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await dialog.getByRole('button', { name: 'Delete cluster' }).click();
      await see(page, 'Deleting the cluster');
      await page.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      await see(page, 'No cluster yet');
      await page.locator('[data-node="cluster01-worker"][data-ready="null"]').waitFor();
    });

    await step('keyboard: the skip link and visible focus reach the screen', async () => {
      await nav(page, 'Cluster');
      await page.reload();
      await page.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
      await page.keyboard.press('Tab');
      // (expressions as strings: this file compiles without the DOM typings)
      const focused = await page.evaluate<string>('document.activeElement?.textContent ?? ""');
      assert.match(focused, /Skip to content/);
      const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
      assert.notEqual(outline, 'none');
    });

    await step('no errors in the page console', async () => {
      assert.deepEqual(
        errors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)),
        [],
      );
    });
  } finally {
    await page.close();
    await ui.close();
  }
}

async function alternativesMachine(context: BrowserContext): Promise<void> {
  console.log('the Advanced options: a cluster built with kube-router and Traefik:');
  const ui = await startUiWorld({ scenario: { timings: { kindStepMs: 60, podStartMs: 40 } } });
  const page = await context.newPage();
  currentPage = page;
  const errors: string[] = [];
  watchConsole(page, errors);
  const panel = page.locator('details.advanced');
  const versions = async () => {
    const dl = page.locator('.details section').filter({ hasText: 'Pinned versions' }).locator('dl');
    const names = await dl.locator('dt').allTextContents();
    const values = await dl.locator('dd').allTextContents();
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  };
  try {
    await step('Advanced options opens with the book’s choices; picking kube-router and Traefik drops the retirement notice', async () => {
      await page.goto(ui.url);
      await page.getByRole('heading', { name: 'Check this machine' }).waitFor();
      await nav(page, 'Cluster');
      await page.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
      await see(page, 'No cluster yet');
      assert.equal(await panel.getAttribute('open'), null, 'the panel starts folded');
      await see(page, 'ingress-nginx is retired');
      await panel.locator('summary').click();
      await panel.getByRole('radiogroup', { name: 'Pod network (CNI)' }).waitFor();
      assert.equal(await panel.getByRole('radio', { name: /^Calico/ }).isChecked(), true, 'Calico is the default');
      assert.equal(await panel.getByRole('radio', { name: /^ingress-nginx/ }).isChecked(), true, 'ingress-nginx is the default');
      await panel.getByRole('radio', { name: 'kube-router' }).check();
      await panel.getByRole('radio', { name: /^Traefik/ }).check();
      await page.getByText('ingress-nginx is retired').waitFor({ state: 'hidden' });
      assert.equal(await panel.getByRole('textbox', { name: 'Node image' }).getAttribute('placeholder'), ui.world.pins.nodeImage, 'the pinned node image is the placeholder');
      await shot(page, '15-advanced-options');
    });

    await step('Build cluster builds with them: phases named after kube-router and Traefik, the cluster runs them', async () => {
      await page.getByRole('button', { name: 'Build cluster' }).click();
      await see(page, 'Building the cluster');
      assert.equal(await panel.locator('input[value="calico"]').isDisabled(), true, 'the choices are locked while the build runs');
      await page.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      await page.getByRole('button', { name: 'Show the 8 phases' }).click();
      assert.equal(await page.locator('section.op [data-state="failed"]').count(), 0);
      assert.match((await page.locator('[data-phase="cni"] .title').textContent()) ?? '', /kube-router/);
      assert.match((await page.locator('[data-phase="ingress"] .title').textContent()) ?? '', /Traefik/);
      await see(page, 'Cluster ready');
      await page.locator('[data-node="cluster01-worker"][data-ready="true"]').waitFor();
      // The engine really got the choices.
      const client = RestKubeClient.fromFile(ui.world.kubeconfigPath());
      assert.ok(await client.get('apps/v1', 'DaemonSet', 'kube-router', 'kube-system'), 'kube-router runs');
      assert.ok(await client.get('apps/v1', 'Deployment', 'traefik', 'traefik'), 'Traefik runs');
      assert.equal(await client.get('v1', 'Namespace', 'ingress-nginx'), null, 'no ingress-nginx');
      await page.getByRole('button', { name: 'Hide the phases' }).click();
    });

    await step('the details say "Built with" kube-router and traefik, their pinned versions, and no retirement notice', async () => {
      const built = page.locator('[data-built-with]');
      await built.waitFor();
      await built.locator('[data-cni="kube-router"]').waitFor();
      await built.locator('[data-ingress="traefik"]').waitFor();
      assert.equal((await built.locator('dd.image').textContent())?.trim(), ui.world.pins.nodeImage);
      for (const id of ['kube-router', 'traefik', 'metallb']) assert.equal((await page.locator(`[data-addon="${id}"] .state`).textContent())?.trim(), 'ready', `${id} ready`);
      assert.equal(await page.locator('[data-addon="calico"], [data-addon="ingress-nginx"]').count(), 0);
      const v = await versions();
      assert.equal(v['kube-router'], ui.world.pins.kubeRouter.version);
      assert.equal(v.Traefik, ui.world.pins.traefik.version);
      assert.equal(v.Calico, undefined);
      assert.equal(v['ingress-nginx'], undefined);
      assert.equal(await page.getByText('ingress-nginx is retired').count(), 0);
      // The panel shows what the cluster runs; another pick waits for a full reset, and says so.
      if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
      assert.equal(await panel.getByRole('radio', { name: 'kube-router' }).isChecked(), true);
      assert.equal(await panel.getByRole('radio', { name: /^Traefik/ }).isChecked(), true);
      await panel.getByRole('radio', { name: /^Calico/ }).check();
      await see(page, 'cluster01 keeps what it was built with. A full reset rebuilds it with these choices.');
      await panel.getByRole('radio', { name: 'kube-router' }).check();
      await page.getByText('keeps what it was built with').waitFor({ state: 'hidden' });
      await page.locator('.details section').filter({ hasText: 'Pinned versions' }).scrollIntoViewIfNeeded();
      await shot(page, '16-built-with-alternatives');
    });

    await step('中文: the panel and the details in Chinese, still without the retirement notice', async () => {
      await page.getByRole('button', { name: '中文' }).click();
      await page.getByRole('heading', { name: '你的实验集群' }).waitFor();
      await see(page, '高级选项');
      if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
      await see(page, 'Pod 网络（CNI）');
      await see(page, '（仍在维护；可处理同样的 Ingress）');
      await see(page, '构建方式');
      assert.equal(await page.getByText('ingress-nginx 已停止维护').count(), 0);
      await panel.locator('summary').scrollIntoViewIfNeeded();
      await shot(page, '17-advanced-options-zh');
      await page.getByRole('button', { name: 'EN' }).click();
      await page.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
    });

    await step('no errors in the page console (Advanced options)', async () => {
      assert.deepEqual(errors, []);
    });
  } finally {
    // The picks and the language live in cookies, which ignore the port: the next world starts from the defaults.
    await context.clearCookies();
    await page.close();
    await ui.close();
  }
}

/** Bytes of one page load as the network saw them: on the wire (headers and compressed bodies) and decoded. */
async function measureLoad(page: Page, load: () => Promise<void>): Promise<{ wire: number; decoded: number; requests: number; fromCache: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const totals = { wire: 0, decoded: 0, requests: 0, fromCache: 0 };
  const onData = (e: { dataLength: number }) => (totals.decoded += e.dataLength);
  const onDone = (e: { encodedDataLength: number }) => {
    totals.wire += e.encodedDataLength;
    totals.requests += 1;
  };
  const onServed = () => (totals.fromCache += 1);
  cdp.on('Network.dataReceived', onData);
  cdp.on('Network.loadingFinished', onDone);
  cdp.on('Network.requestServedFromCache', onServed);
  await load();
  await page.waitForTimeout(300);
  await cdp.detach();
  return totals;
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

/** The SSH-tunnel habit: the page through a second loopback port, two tabs, a reload mid-build. */
async function throughATunnel(context: BrowserContext): Promise<void> {
  console.log('through a forwarded port, as `ssh -L` does, with two tabs:');
  const ui = await startUiWorld({ scenario: { timings: { kindStepMs: 200, podStartMs: 60 } } });
  const tunnel = await forwardPort(ui.server.port);
  const token = new URL(ui.url).searchParams.get('token') ?? '';
  const a = await context.newPage();
  currentPage = a;
  const errors: string[] = [];
  watchConsole(a, errors);
  // What tab A's socket brings: the id of its terminal.
  let aTerminal: string | null = null;
  a.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      const m = /"sessionId":"([^"]+)","shell"/.exec(String(f.payload));
      if (m?.[1]) aTerminal = m[1];
    }),
  );
  const b = await context.newPage();
  const bFrames: string[] = [];
  b.on('websocket', (ws) => ws.on('framereceived', (f) => bFrames.push(String(f.payload))));
  try {
    await step('the token URL through the forwarded port opens the app (first load and reload bytes measured)', async () => {
      const cdp = await context.newCDPSession(a);
      await cdp.send('Network.clearBrowserCache');
      await cdp.detach();
      const first = await measureLoad(a, async () => {
        await a.goto(`http://localhost:${tunnel.port}/?token=${token}`);
        await a.getByRole('heading', { name: 'Check this machine' }).waitFor();
        await see(a, /Ready, with \d+ warning|ready for the labs/, 10_000);
      });
      assert.match(a.url(), new RegExp(`^http://localhost:${tunnel.port}/`));
      const reload = await measureLoad(a, async () => {
        await a.reload();
        await a.getByRole('heading', { name: 'Check this machine' }).waitFor();
        await see(a, /Ready, with \d+ warning|ready for the labs/, 10_000);
      });
      console.log(`      first load: ${kB(first.wire)} on the wire (${kB(first.decoded)} decoded, ${first.requests} requests); reload: ${kB(reload.wire)} on the wire (${reload.fromCache} from the cache)`);
      assert.ok(first.wire < first.decoded / 2.5, 'the first load is compressed');
      assert.ok(reload.wire < 10_000, `a reload fetches only the page (${reload.wire} bytes)`);
      assert.ok(reload.fromCache >= 2, 'the hashed script and style come from the cache');
    });

    await step('a build, reloaded midway, re-attaches to its progress and finishes', async () => {
      await nav(a, 'Cluster');
      await a.getByRole('button', { name: 'Build cluster' }).click();
      await a.locator('[data-phase="cluster"][data-state="running"]').waitFor({ timeout: T.op });
      await a.reload();
      await a.getByRole('heading', { name: 'Your lab cluster' }).waitFor();
      // The reloaded page found the running build through op:list and draws it again.
      await a.locator('section.op [data-phase="cluster"]').waitFor({ timeout: T.short });
      assert.equal(await a.getByRole('button', { name: 'Cancel' }).isVisible(), true, 'the re-attached build can be cancelled');
      await see(a, 'Cluster ready', T.op);
    });

    await step('the terminal works through the tunnel (and loads xterm compressed)', async () => {
      const xterm = await measureLoad(a, async () => {
        await a.getByRole('button', { name: 'Terminal', exact: true }).click();
        await see(a, /KUBECONFIG → .*cluster01/, 10_000);
      });
      console.log(`      opening the terminal: ${kB(xterm.wire)} on the wire (${kB(xterm.decoded)} decoded)`);
      await a.locator('.xterm').click();
      await a.keyboard.type('echo tab-a-$((40+2))');
      await a.keyboard.press('Enter');
      await waitFor(async () => (await xtermText(a)).includes('tab-a-42'), 'tab A’s shell to answer', 10_000);
      assert.ok(aTerminal, 'tab A’s terminal id was seen on its socket');
    });

    await step('a second tab never receives the first one’s terminal output, and cannot type into it', async () => {
      currentPage = b;
      // Same browser, so the same cookie; the direct port this time.
      await b.goto(`http://localhost:${ui.server.port}/`);
      await b.getByRole('heading', { name: 'Check this machine' }).waitFor();
      await b.getByRole('button', { name: 'Terminal', exact: true }).click();
      await see(b, /KUBECONFIG → .*cluster01/, 10_000);
      await b.locator('.xterm').click();
      await b.keyboard.type('echo tab-b-$((1+1))');
      await b.keyboard.press('Enter');
      await waitFor(async () => (await xtermText(b)).includes('tab-b-2'), 'tab B’s own shell', 10_000);
      // Tab A prints again while B is open.
      await a.locator('.xterm').click();
      await a.keyboard.type('echo tab-a-again-$((2+3))');
      await a.keyboard.press('Enter');
      await waitFor(async () => (await xtermText(a)).includes('tab-a-again-5'), 'tab A’s shell again', 10_000);
      await b.waitForTimeout(300);
      assert.ok(!(await xtermText(b)).includes('tab-a'), 'B’s terminal shows nothing of A’s');
      assert.ok(!bFrames.some((f) => f.includes('tab-a') || f.includes(String(aTerminal))), 'B’s socket carried nothing of A’s terminal');
      // B speaks the protocol itself, with A's terminal id: refused.
      const answer = await b.evaluate<string>(`new Promise((resolve) => {
        const ws = new WebSocket('ws://' + location.host + '/api');
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: 'terminal:input', req: { sessionId: ${JSON.stringify(aTerminal)}, data: 'echo hijacked-$((1+1))\\r' } }));
        ws.onmessage = (m) => { if (JSON.parse(m.data).id === 1) { resolve(m.data); ws.close(); } };
        ws.onerror = () => resolve('socket error');
      })`);
      assert.match(answer, /"ok":false/);
      assert.match(answer, /is not open in this window/);
      await a.waitForTimeout(500);
      assert.ok(!(await xtermText(a)).includes('hijacked-2'), 'nothing reached A’s shell');
    });

    await step('no errors in the page console (tunnel)', async () => {
      assert.deepEqual(errors, []);
    });
  } finally {
    await context.clearCookies();
    await b.close();
    await a.close();
    await tunnel.close();
    await ui.close();
  }
}

async function daemonDown(context: BrowserContext): Promise<void> {
  console.log('a machine whose Docker daemon is down:');
  const ui: UiWorld = await startUiWorld({ state: { daemon: 'down' } });
  const page = await context.newPage();
  currentPage = page;
  try {
    await step('the doctor names the problem and the fix with copyable commands', async () => {
      await page.goto(ui.url);
      await see(page, /problem\(s\) to fix before you build the cluster/, 10_000);
      const failing = page.locator('article.finding.status-fail');
      assert.ok((await failing.count()) >= 1);
      await failing.first().getByText('How to fix it').waitFor();
      await see(page, 'Cannot read the cluster');
      await shot(page, '13-setup-daemon-down');
    });

    await step('Build fails with the message, what to do, and copyable details', async () => {
      await nav(page, 'Cluster');
      await page.getByRole('button', { name: 'Build cluster' }).click();
      const alert = page.locator('section.op [role="alert"]');
      await alert.waitFor({ timeout: T.op });
      await alert.getByText('What to do').waitFor();
      const text = (await alert.textContent()) ?? '';
      assert.match(text, /daemon|Docker/i, 'the message names the daemon');
      assert.ok((await alert.locator('.todo p').textContent())?.trim().length, 'a hint is shown');
      await alert.getByRole('button', { name: 'Copy details' }).waitFor();
      await see(page, /Failed after/);
      await shot(page, '14-build-failed');
    });
  } finally {
    await page.close();
    await ui.close();
  }
}

/** What test/ui/browser/sanitizer-probe.js reports from inside the page. */
interface SanitizerProbe {
  html: string;
  direct: string;
  scripts: number;
  handlers: number;
  jsLinks: number;
  safeLink: string | null;
  pwned: number;
  runnable: number;
}

async function sanitizerInRealBrowser(context: BrowserContext): Promise<void> {
  console.log('the Markdown sanitizer in a real browser DOM:');
  const page = await context.newPage();
  currentPage = page;
  try {
    await step('lab Markdown cannot inject scripts, handlers or javascript: links', async () => {
      const bundle = await esbuild({
        entryPoints: [join(ROOT, 'renderer/src/lib/markdown/render.ts')],
        bundle: true,
        write: false,
        format: 'iife',
        globalName: 'kindlabMarkdown',
        platform: 'browser',
        logLevel: 'silent',
      });
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
      await page.addScriptTag({ path: join(ROOT, 'test/ui/browser/sanitizer-probe.js') });
      const out = await page.evaluate<SanitizerProbe>('runSanitizerProbe()');
      assert.equal(out.scripts, 0, out.html + out.direct);
      assert.equal(out.handlers, 0);
      assert.equal(out.jsLinks, 0);
      assert.equal(out.pwned, 0);
      assert.equal(out.safeLink, 'noopener noreferrer');
      assert.equal(out.runnable, 1);
      assert.match(out.html, /<strong>ok<\/strong>/);
    });
  } finally {
    await page.close();
  }
}

async function electronHost(): Promise<void> {
  console.log('the Electron host bundle, with a stand-in for Electron (no binary here):');
  currentPage = null;
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-electron.mjs')], { cwd: ROOT, encoding: 'utf8' });
  await step('scripts/build-electron.mjs bundles main (ESM) and preload (CJS)', async () => {
    assert.equal(built.status, 0, built.stderr);
  });
  if (built.status !== 0) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-electron-smoke-'));
  const run = spawnSync(process.execPath, ['--import', join(ROOT, 'test/ui/electron/register.mjs'), join(ROOT, 'test/ui/electron/driver.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, KINDLAB_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  rmSync(dataDir, { recursive: true, force: true });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  let checks: { name: string; ok: boolean; error?: string }[] = [];
  try {
    checks = JSON.parse(last) as typeof checks;
  } catch {
    await step('the smoke driver reports', async () => assert.fail(`no report (exit ${run.status}): ${run.stderr.slice(-800)}`));
  }
  for (const c of checks) {
    await step(c.name, async () => {
      if (!c.ok) throw new Error(c.error);
    });
  }
}

// ───────────── main ─────────────

const started = Date.now();
mkdirSync(SHOTS, { recursive: true });
rmSync(SHOTS, { recursive: true, force: true });
mkdirSync(SHOTS, { recursive: true });
await buildUi();
const { context, profile } = await launch();
try {
  await healthyMachine(context);
  await alternativesMachine(context);
  await throughATunnel(context);
  await daemonDown(context);
  await sanitizerInRealBrowser(context);
  await firstHour(context, { step, shot, watch: (p) => (currentPage = p) });
  await imageCache(context, { step, shot, watch: (p) => (currentPage = p) });
  await electronHost();
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

// The README's pictures: a curated few, kept small (pngquant, when installed, cuts them to a
// 256-colour palette: a third of the size, no visible loss on flat UI colours). Only on request
// (KINDLAB_UPDATE_SCREENSHOTS=1): a test run should not rewrite tracked files.
const CURATED = ['01-setup-doctor', '03-cluster-building', '04-cluster-ready', '07-lab-live-picture', '08-terminal', '09-lab-zh', '11-cluster-dark', '14-build-failed'];
if (process.env.KINDLAB_UPDATE_SCREENSHOTS === '1') mkdirSync(DOCS_SHOTS, { recursive: true });
for (const name of process.env.KINDLAB_UPDATE_SCREENSHOTS === '1' ? CURATED : []) {
  if (!shots.includes(name)) continue;
  const from = join(SHOTS, `${name}.png`);
  const to = join(DOCS_SHOTS, `${name}.png`);
  const squeezed = spawnSync('pngquant', ['--force', '--skip-if-larger', '--strip', '--quality', '70-95', '--speed', '3', '--output', to, from]);
  if (squeezed.status !== 0) copyFileSync(from, to);
}

const failed = results.filter((r) => !r.ok);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${results.length - failed.length}/${results.length} UI checks passed in ${seconds} s; ${shots.length} screenshots in test-results/screenshots/`);
for (const name of shots) console.log(`  ${name}.png  ${Math.round(statSync(join(SHOTS, `${name}.png`)).size / 1024)} KB`);
process.exit(failed.length > 0 ? 1 : 0);
