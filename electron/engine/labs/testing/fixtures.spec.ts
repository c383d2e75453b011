// The API fixtures the lab specs read must be what a server returned, not hand-written: each file
// is listed with its provenance in the README that record-fixtures.ts generates beside them, and
// nothing in them looks typed by hand (placeholder or patterned uids) or was left unrecorded-size
// (managedFields, which the recorder strips).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../../../../test/fixtures/api/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const readme = readFileSync(`${DIR}README.md`, 'utf8');
/** `| \`file.json\` | \`GET /path\` | what was applied | played |` rows of the README's table. */
const rows = new Map(
  [...readme.matchAll(/^\| `([^`]+\.json)` \| `(GET [^`]+)` \| ([^|]+) \|/gm)].map((m) => [m[1] ?? '', { request: m[2] ?? '', source: (m[3] ?? '').trim() }]),
);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every value under a key named `key`, at any depth. */
function valuesOf(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => valuesOf(n, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      valuesOf(v, key, out);
    }
  }
  return out;
}

const parsed = files.map((f) => ({ file: f, json: JSON.parse(readFileSync(`${DIR}${f}`, 'utf8')) as unknown }));

describe('test/fixtures/api', () => {
  it('has fixtures, and a README that says where they come from and how to re-record them', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(readme).toContain('recorded from kube-apiserver v1.35.8 + KWOK by scripts/controlplane/record-fixtures.ts');
    expect(readme).toContain('npx tsx scripts/controlplane/record-fixtures.ts');
  });

  it('lists every file in the README with the request it answers and what was applied', () => {
    expect([...rows.keys()].sort()).toEqual(files);
    for (const [file, row] of rows) {
      expect(row.request, file).toMatch(/^GET \/apis?\//);
      expect(row.source, file).not.toBe('');
    }
  });

  it.each(parsed)('$file has no managedFields', ({ json }) => {
    expect(valuesOf(json, 'managedFields')).toEqual([]);
  });

  it.each(parsed)('$file carries server-made uids only', ({ json }) => {
    for (const uid of valuesOf(json, 'uid')) expect(uid).toMatch(UUID);
  });

  it('has no uids that share a hand-made pattern across objects', () => {
    // Random uids differ in every group; hand-written ones tend to repeat the middle groups.
    const byMiddle = new Map<string, Set<string>>();
    for (const { json } of parsed) {
      for (const uid of valuesOf(json, 'uid') as string[]) {
        const middle = uid.split('-').slice(1, 4).join('-');
        byMiddle.set(middle, (byMiddle.get(middle) ?? new Set()).add(uid));
      }
    }
    const shared = [...byMiddle].filter(([, uids]) => uids.size > 1).map(([m]) => m);
    expect(shared).toEqual([]);
  });
});
