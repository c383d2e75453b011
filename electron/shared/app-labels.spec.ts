import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_LABELS, appLabels } from './app-labels.ts';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The engine's and the hosts' words, file by file. */
const FILES = sources(ROOT).map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('the labels that hints quote', () => {
  it('holds each label in both languages, none empty and none twice', () => {
    for (const lang of ['en', 'zh'] as const) {
      const labels = appLabels(lang);
      expect(labels.every((l) => l.trim() !== '')).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
    }
    expect(APP_LABELS.buildCluster).toEqual({ en: 'Build cluster', zh: '创建集群' });
  });

  it('is what every Chinese hint asks the learner to press', () => {
    // 点“…” (press …) with a literal label: the label must be one the screen shows.
    const zh = appLabels('zh');
    const pressed = FILES.flatMap(({ file, text }) => [...text.matchAll(/点“([^”$]+)”/g)].map((m) => ({ file, label: m[1] ?? '' })));
    expect(pressed.filter((p) => !zh.includes(p.label))).toEqual([]);
  });

  it('is how every English hint names a button on a screen', () => {
    // "<button> on the <screen> screen" with literal words: both must be labels.
    const en = appLabels('en');
    const named = FILES.flatMap(({ file, text }) =>
      [...text.matchAll(/\(([A-Z][a-z]+(?: [a-z]+)?) on the ([A-Z][a-z]+) screen/g)].map((m) => ({ file, button: m[1] ?? '', screen: m[2] ?? '' })),
    );
    expect(named.filter((n) => !en.includes(n.button) || !en.includes(n.screen))).toEqual([]);
  });

  it('leaves no command-line flag in what the window shows instead of a hint or fix', () => {
    const worded = FILES.flatMap(({ file, text }) =>
      [...text.matchAll(/\b(appHint|appFix):\s*[\w.]*\(?\{?([\s\S]*?)(?:\}\)?,\n|\),\n)/g)].map((m) => ({ file, words: m[2] ?? '' })),
    );
    expect(worded.length).toBeGreaterThanOrEqual(6);
    expect(worded.filter((w) => /(^|[\s(（“"`])--[a-z][\w-]*/.test(w.words))).toEqual([]);
  });
});
