// Vitest global setup: every temporary file of a test run goes under one scratch folder, removed
// when the run ends. Tests (and the fake tools and CLIs they spawn) create folders with
// mkdtemp(os.tmpdir()); without this, each run left hundreds of them behind in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const scratch = mkdtempSync(join(tmpdir(), 'kindlab-test-'));
  // Set before the workers start, so they and their children inherit it (os.tmpdir() reads it).
  process.env.TMPDIR = scratch;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.KINDLAB_KEEP_TEST_TMP !== '1') rmSync(scratch, { recursive: true, force: true });
  };
}
