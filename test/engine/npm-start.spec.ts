// `npm start` answers at once: it builds the UI only when a renderer source is newer than the
// last build, and where Electron's binary is missing (no build machine has it, and many learners'
// installs skip its download) it starts browser mode and prints the URL to open, instead of
// Electron's own "delete node_modules/electron and try installing again".
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the repository, without type declarations
import { uiStaleReason, uiStamp } from '../../scripts/ui-build.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const stale = uiStaleReason as (root: string) => string | null;
const stampOf = uiStamp as (root: string) => string;

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kindlab-start-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(root: string, path: string, secondsAgo = 3600): string {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, path);
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(p, t, t);
  return p;
}
const age = (p: string, secondsAgo: number) => utimesSync(p, Date.now() / 1000 - secondsAgo, Date.now() / 1000 - secondsAgo);

/** A repository-shaped tree whose UI was built a minute ago from sources an hour old. */
function builtTree(): string {
  const root = tempDir();
  for (const f of ['renderer/index.html', 'renderer/vite.config.ts', 'renderer/src/App.svelte', 'renderer/src/lib/x.spec.ts', 'electron/api.ts', 'electron/shared/text.ts', 'electron/engine/big.ts', 'package-lock.json']) file(root, f);
  for (const d of ['renderer/src/lib', 'renderer/src', 'renderer', 'electron/shared']) age(join(root, d), 3600);
  file(root, 'dist/renderer/index.html', 60);
  file(root, 'dist/renderer.stamp', 60);
  return root;
}

describe('is the UI up to date?', () => {
  it('builds when nothing was built, or the last build did not finish', () => {
    const root = builtTree();
    expect(stale(root)).toBeNull();
    rmSync(join(root, 'dist/renderer/index.html'));
    expect(stale(root)).toMatch(/not been built/);
    rmSync(stampOf(root));
    expect(stale(tempDir())).toMatch(/not been built/);
  });

  it('builds again when a source the renderer build reads is newer than the last build', () => {
    for (const path of ['renderer/src/App.svelte', 'renderer/vite.config.ts', 'electron/shared/text.ts', 'electron/api.ts', 'package-lock.json']) {
      const root = builtTree();
      age(join(root, path), 0);
      expect(stale(root), path).toContain(path.startsWith('renderer') ? 'renderer' : path.replace(/\/text\.ts$/, ''));
    }
  });

  it('a file added or removed counts, a spec or an engine file does not', () => {
    const root = builtTree();
    age(join(root, 'renderer/src/lib/x.spec.ts'), 0);
    age(join(root, 'electron/engine/big.ts'), 0);
    expect(stale(root)).toBeNull();
    rmSync(join(root, 'renderer/src/App.svelte'));
    expect(stale(root)).toMatch(/renderer changed/);
  });

  it('a source saved while the build ran is newer than the build: the stamp is dated at its start', () => {
    const root = builtTree();
    age(join(root, 'renderer/src/App.svelte'), 30); // saved 30 s ago, while a build that started 60 s ago ran
    expect(stale(root)).toMatch(/renderer changed/);
  });
});

describe('npm start without the Electron binary', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child?.pid && child.exitCode === null) {
      const gone = new Promise((r) => child?.once('exit', r));
      process.kill(-child.pid, 'SIGTERM');
      await gone;
    }
  });

  it('starts browser mode at once and prints its URL, not Electron’s "delete node_modules/electron"', async () => {
    // The start script in a tree of its own whose UI is built, so nothing here is rebuilt; the
    // CLI (bin/) and the packages are the repository's.
    const root = builtTree();
    mkdirSync(join(root, 'scripts'));
    for (const s of ['start-electron.mjs', 'ui-build.mjs']) copyFileSync(join(repo, 'scripts', s), join(root, 'scripts', s));
    for (const l of ['bin', 'node_modules']) symlinkSync(join(repo, l), join(root, l));
    file(root, 'dist/renderer.stamp', -3600); // built "later": a source edited meanwhile by someone else must not start a build here
    const noElectron = tempDir(); // Electron's own override of where its binary lives: an empty folder
    const home = tempDir();
    const started = Date.now();
    child = spawn(process.execPath, [join(root, 'scripts', 'start-electron.mjs')], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: home, KINDLAB_DATA_DIR: join(home, 'data'), ELECTRON_OVERRIDE_DIST_PATH: noElectron },
    });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
        const failed = child?.exitCode !== null || Date.now() - started > 20_000;
        if (m || failed) clearInterval(timer);
        if (m) resolve(m[0]);
        else if (failed) reject(new Error(`no URL; exit ${String(child?.exitCode)}; output:\n${out}`));
      }, 50);
    });
    expect(out).toMatch(/Starting browser mode/);
    expect(out).not.toMatch(/delete node_modules\/electron/);
    expect(out, 'the UI was up to date').not.toMatch(/building the UI/);
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBeLessThan(400);
  }, 30_000);
});
