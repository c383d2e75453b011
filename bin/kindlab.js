#!/usr/bin/env node
// The `kindlab` command. `npm install` prebuilds dist/cli.mjs (fast start); when a source file
// under electron/ is newer than that bundle, or there is none, the TypeScript sources run directly
// through tsx instead — so `npx kindlab …` always runs the code as it is in the tree.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'cli.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.KINDLAB_FROM_SOURCE === '1') return false;
  try {
    return statSync(bundle).mtimeMs >= newestSource(join(root, 'electron'));
  } catch {
    return false;
  }
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(pathToFileURL(join(root, 'electron', 'cli', 'main.ts')).href));
}
process.exitCode = await main(process.argv.slice(2));
