// Tier 4, issue 10's "first hour": every screen a new learner meets, walked at two window sizes
// and in both languages, on a machine without a cluster, through the build, with it, and with the
// Docker daemon down. On each screen:
//   - the page itself never scrolls (only the main pane may): its height fits the window, and a
//     mouse wheel over the sidebar and over the terminal bar leaves it where it was;
//   - every "no cluster yet" state is one sentence, not cut off, with a Build cluster button;
//   - in 中文, no English is left (test/support/latin-leftovers.ts, outside code and the terminal),
//     and the Chinese text is drawn with real glyphs, not the boxes of a missing font;
//   - a failure view suggests no CLI flag (the app has buttons for that).
// run.ts calls `firstHour` with its step runner.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { en } from '../../renderer/src/lib/i18n/en.ts';
import { zh } from '../../renderer/src/lib/i18n/zh.ts';
import { latinLeftovers } from '../support/latin-leftovers.ts';
import { type UiWorld, startUiWorld } from './world.ts';

export interface Runner {
  step(name: string, fn: () => Promise<void>): Promise<void>;
  shot(page: Page, name: string): Promise<void>;
  /** The page a failing step photographs. */
  watch(page: Page | null): void;
}

type Lang = 'en' | 'zh';
interface Viewport {
  width: number;
  height: number;
}

const T = { short: 5_000, op: 30_000 };
const CATALOG = { en, zh } as const;

/** What the Docker daemon and the kind CLI say in their own words, shown verbatim in a failure. */
const TOOL_WORDS = [/Cannot connect to the Docker daemon at \S+ Is the docker daemon running\?/, /Error response from daemon: .*/, /Command Output:/];

// (expressions as strings: this file compiles without the DOM typings)

/** The page's own scroll state: how tall it is against the window, and where it is. */
const PAGE_SCROLL = `(() => ({ height: document.scrollingElement.scrollHeight, inner: innerHeight, y: scrollY, top: document.scrollingElement.scrollTop }))()`;

/** The visible text outside code, commands and the terminal: what the learner reads as sentences. */
const READABLE_TEXT = `(() => {
  const style = document.createElement('style');
  style.textContent = 'pre, code, kbd, samp, .xterm, .xterm-host, [data-verbatim] { display: none !important; }';
  document.head.append(style);
  const text = document.body.innerText;
  style.remove();
  return text;
})()`;

/**
 * Whether Chinese text is drawn with glyphs: in the UI's own font, each of a few characters of
 * the page must draw its own picture, and none may look like the box a codepoint no font has
 * (U+0378) draws. Without a CJK font all of them are that same box.
 */
const CJK_GLYPHS = `(() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas');
    c.width = 48; c.height = 48;
    const g = c.getContext('2d');
    g.font = '32px ' + font;
    g.textBaseline = 'top';
    g.fillText(ch, 4, 4);
    const d = g.getImageData(0, 0, 48, 48).data;
    let h = 0;
    for (let i = 3; i < d.length; i += 4) h = (h * 31 + d[i]) >>> 0;
    return h;
  };
  const box = draw('\\u0378');
  const chars = [...'集群检查实验终端'];
  const drawn = chars.map(draw);
  return { font, distinct: new Set(drawn).size, chars: chars.length, boxes: drawn.filter((h) => h === box).length };
})()`;

interface NoClusterLine {
  where: string;
  text: string;
  lines: number;
  clipped: boolean;
  buttons: string[];
}

/** Every visible "no cluster yet" state: its words, how many lines they take, its buttons. */
const NO_CLUSTER_STATES = `[...document.querySelectorAll('[data-no-cluster]')].filter((el) => el.checkVisibility()).map((el) => {
  const line = el.querySelector('.line');
  const range = document.createRange();
  range.selectNodeContents(line);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return { where: el.dataset.noCluster, text: line.textContent.trim(), lines: tops.size, clipped: line.scrollWidth > line.clientWidth + 1, buttons: [...el.querySelectorAll('button')].map((b) => b.textContent.trim()) };
})`;

async function expectPageDoesNotScroll(page: Page, where: string): Promise<void> {
  const before = await page.evaluate<{ height: number; inner: number; y: number; top: number }>(PAGE_SCROLL);
  assert.ok(before.height <= before.inner, `${where}: the page is ${before.height} px tall in a ${before.inner} px window`);
  for (const target of ['aside.sidebar', 'section.dock header.bar']) {
    const box = await page.locator(target).boundingBox();
    assert.ok(box, `${where}: ${target} is on screen`);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(80);
    const after = await page.evaluate<{ y: number; top: number }>(PAGE_SCROLL);
    assert.equal(after.y, 0, `${where}: the wheel over ${target} scrolled the page to ${after.y}`);
    assert.equal(after.top, 0, `${where}: the wheel over ${target} scrolled the page`);
  }
}

async function expectNoClusterLines(page: Page, lang: Lang, where: string, expected: string[]): Promise<void> {
  const states = await page.evaluate<NoClusterLine[]>(NO_CLUSTER_STATES);
  for (const w of expected) assert.ok(states.some((s) => s.where === w), `${where}: the ${w} no-cluster state is shown (saw ${states.map((s) => s.where).join(', ') || 'none'})`);
  for (const s of states) {
    // One sentence, all of it readable; a narrow column (the step's side cards at 1280 px) may wrap it once.
    assert.ok(s.text.length > 0, `${where}: the ${s.where} state says something`);
    assert.ok((s.text.match(/[.。!！?？](\s|$)/g) ?? []).length <= 1, `${where}: "${s.text}" (${s.where}) is one sentence`);
    assert.equal(s.clipped, false, `${where}: "${s.text}" (${s.where}) is cut off`);
    assert.ok(s.lines <= 2, `${where}: "${s.text}" (${s.where}) takes ${s.lines} lines`);
    // While a build runs the button leads to it instead.
    const offered = [CATALOG[lang]['cluster.build'], CATALOG[lang]['noCluster.show']];
    assert.ok(s.buttons.length === 1 && offered.includes(s.buttons[0] ?? ''), `${where}: the ${s.where} state offers ${offered[0]} (has ${s.buttons.join(', ') || 'no button'})`);
  }
}

function leftovers(text: string): string[] {
  return latinLeftovers(text, { values: TOOL_WORDS });
}

/** The failure views on screen suggest no command-line flag. */
async function expectNoFlagsInFailures(page: Page, where: string): Promise<void> {
  const texts = await page.locator('[role="alert"]').allInnerTexts();
  for (const t of texts) {
    const shown = t.split('\n').filter((l) => !/^\s*(\$|kubectl|kind|docker)\s/.test(l));
    const flags = shown.filter((l) => /(^|[\s(（“"`])--[a-z][\w-]*/.test(l));
    assert.deepEqual(flags, [], `${where}: a failure view suggests a command-line flag`);
  }
}

/** One walk: a fresh machine in `lang` at `size`, no cluster, the build, the labs, then the daemon down. */
async function walk(context: BrowserContext, r: Runner, lang: Lang, size: Viewport): Promise<void> {
  const L = CATALOG[lang];
  const tag = `${lang}-${size.width}x${size.height}`;
  console.log(`the first hour in ${lang === 'zh' ? '中文' : 'English'} at ${size.width}×${size.height}:`);
  const zhLeft: string[] = [];
  let failed = false;

  const inspect = async (page: Page, name: string, opts: { noCluster?: string[]; show?: string } = {}) => {
    await page.waitForTimeout(150);
    if (lang === 'zh') for (const line of leftovers(await page.evaluate<string>(READABLE_TEXT))) zhLeft.push(`${name}: ${line}`);
    // The picture shows what the checks are about (inside the main pane, which may scroll).
    if (opts.show) await page.locator(opts.show).first().scrollIntoViewIfNeeded();
    await r.shot(page, `first-hour-${tag}-${name}`);
    await expectPageDoesNotScroll(page, name);
    await expectNoClusterLines(page, lang, name, opts.noCluster ?? []);
    await expectNoFlagsInFailures(page, name);
  };
  const nav = (page: Page, key: 'nav.setup' | 'nav.cluster' | 'nav.labs') => page.locator('aside.sidebar nav').getByRole('link', { name: L[key], exact: true }).click();
  const open = async (ui: UiWorld): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize(size);
    r.watch(page);
    await page.goto(ui.url);
    await page.getByRole('heading', { name: en['doctor.title'] }).waitFor();
    if (lang === 'zh') {
      await page.getByRole('button', { name: '中文' }).click();
      await page.getByRole('heading', { name: zh['doctor.title'] }).waitFor();
    }
    return page;
  };
  const step = (name: string, fn: () => Promise<void>) =>
    r.step(`${tag}: ${name}`, async () => {
      try {
        await fn();
      } catch (err) {
        failed = true;
        throw err;
      }
    });

  const ui = await startUiWorld({ scenario: { timings: { kindStepMs: 150, podStartMs: 50 } } });
  let page: Page | null = null;
  try {
    await step('before a cluster: the doctor, the cluster screen, Advanced options, the labs', async () => {
      page = await open(ui);
      await page.locator('article.finding').first().waitFor({ timeout: 10_000 });
      await page.getByText(L['doctor.next']).first().waitFor({ timeout: 10_000 });
      await inspect(page, 'doctor');
      await nav(page, 'nav.cluster');
      await page.getByRole('heading', { name: L['cluster.title'] }).waitFor();
      await page.getByText(L['pill.missing']).first().waitFor();
      await inspect(page, 'cluster-none');
      await page.locator('details.advanced summary').click();
      await page.locator('details.advanced[open]').waitFor();
      await inspect(page, 'advanced-options');
      await page.locator('details.advanced summary').click();
      await nav(page, 'nav.labs');
      await page.locator('[data-lab="services"]').waitFor();
      await inspect(page, 'labs');
    });

    await step('before a cluster: a lab step, Run step, Run in terminal and the terminal each say it in one line', async () => {
      assert.ok(page);
      await page.locator('[data-lab="services"]').click();
      await page.getByRole('button', { name: L['lab.start'] }).click();
      await page.locator('[data-no-cluster="live"]').waitFor({ timeout: T.short });
      await inspect(page, 'step-none', { noCluster: ['lab', 'live'], show: '[data-no-cluster="live"]' });
      await page.getByRole('button', { name: L['lab.run'], exact: true }).click();
      await page.locator('[data-no-cluster="step"]').waitFor({ timeout: T.short });
      await page.getByRole('button', { name: L['lab.runInTerminal'] }).first().click();
      await page.locator('[data-no-cluster="command"]').waitFor({ timeout: T.short });
      await inspect(page, 'step-run-none', { noCluster: ['lab', 'live', 'step', 'command'], show: '[data-no-cluster="step"]' });
      await page.getByRole('button', { name: L['term.title'], exact: true }).click();
      await page.locator('section.dock.open').waitFor();
      await page.waitForTimeout(300);
      await inspect(page, 'terminal-none', { noCluster: ['terminal'] });
      await page.getByRole('button', { name: L['term.title'], exact: true }).click();
    });

    await step('Build cluster from a no-cluster line: the build, then the ready cluster', async () => {
      assert.ok(page);
      await page.locator('[data-no-cluster="step"]').getByRole('button', { name: L['cluster.build'] }).click();
      await page.getByRole('heading', { name: L['cluster.title'] }).waitFor();
      await page.locator('[data-phase="cluster"][data-state="running"], [data-phase="cni"][data-state="running"]').first().waitFor({ timeout: T.op });
      await inspect(page, 'cluster-building');
      await page.locator('section.op[data-status="done"]').waitFor({ timeout: T.op });
      await page.getByText(L['pill.ready']).first().waitFor({ timeout: T.short });
      await inspect(page, 'cluster-ready');
    });

    await step('with a cluster: a step passes, its checks and the live picture, and the terminal', async () => {
      assert.ok(page);
      await nav(page, 'nav.labs');
      await page.locator('[data-lab="services"]').click();
      await page.locator('nav [data-step="1"]').click();
      await page.getByRole('button', { name: new RegExp(`^(${L['lab.run']}|${L['lab.runAgain']})$`) }).first().click();
      await page.locator('[data-verdict]').waitFor({ timeout: T.op });
      await page.locator('[data-service="nginx-frontend"]').waitFor({ timeout: T.short }).catch(() => undefined);
      await inspect(page, 'step-passed');
      await page.getByRole('button', { name: L['term.title'], exact: true }).click();
      await page.getByText(/KUBECONFIG → /).first().waitFor({ timeout: 10_000 });
      await inspect(page, 'terminal');
      await page.getByRole('button', { name: L['term.title'], exact: true }).click();
    });

    if (lang === 'zh') {
      await step('中文 is drawn with real glyphs (a CJK font), not boxes', async () => {
        assert.ok(page);
        const g = await page.evaluate<{ font: string; distinct: number; chars: number; boxes: number }>(CJK_GLYPHS);
        assert.equal(g.boxes, 0, `${g.boxes} of ${g.chars} Chinese characters are drawn as the missing-glyph box in ${g.font}: install a CJK font (fonts-wqy-microhei)`);
        assert.equal(g.distinct, g.chars, 'each Chinese character draws its own glyph');
      });
    }
  } finally {
    await (page as Page | null)?.close();
    await context.clearCookies();
    await ui.close();
  }

  const down = await startUiWorld({ state: { daemon: 'down' } });
  let page2: Page | null = null;
  try {
    await step('the Docker daemon down: the doctor, and the failed build', async () => {
      page2 = await open(down);
      await page2.locator('article.finding.status-fail').first().waitFor({ timeout: 10_000 });
      await inspect(page2, 'daemon-down-doctor');
      await nav(page2, 'nav.cluster');
      await page2.getByRole('button', { name: L['cluster.build'] }).first().click();
      await page2.locator('section.op [role="alert"]').waitFor({ timeout: T.op });
      await inspect(page2, 'daemon-down-build-failed');
    });
  } finally {
    await (page2 as Page | null)?.close();
    await context.clearCookies();
    await down.close();
  }

  if (lang === 'zh') {
    await step('中文: no English sentence left on any screen', async () => {
      if (failed && zhLeft.length === 0) return;
      assert.deepEqual(zhLeft, []);
    });
  }
}

export async function firstHour(context: BrowserContext, r: Runner): Promise<void> {
  for (const size of [{ width: 1280, height: 800 }, { width: 900, height: 700 }]) for (const lang of ['zh', 'en'] as const) await walk(context, r, lang, size);
}
