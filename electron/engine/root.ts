// Where kindlab's own files are (labs/, dist/renderer/): found by walking up from this module to
// the package.json named kindlab, so the answer is the same whether the code runs from its
// TypeScript sources, from the prebuilt CLI bundle in dist/, or from a packaged app.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function projectRoot(from: string = fileURLToPath(import.meta.url)): string {
  if (cached) return cached;
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kindlab') return (cached = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`kindlab's package.json was not found above ${from}`);
    dir = up;
  }
}
