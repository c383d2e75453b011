import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { fill, initialLang, translate } from './translate.ts';
import { zh } from './zh.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it('zh has exactly the keys of en', () => {
    const missing = Object.keys(en).filter((k) => !(k in zh));
    const extra = Object.keys(zh).filter((k) => !(k in en));
    expect(missing).toEqual([]);
    expect(extra).toEqual([]);
  });

  it('no text is empty and both languages use the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(zh[key].trim(), key).not.toBe('');
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('the Chinese catalog is actually Chinese where the English is a sentence', () => {
    const sentences = (Object.keys(en) as (keyof typeof en)[]).filter((k) => / \w+ \w+ /.test(en[k]));
    const untranslated = sentences.filter((k) => zh[k] === en[k]);
    expect(untranslated).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders and keeps unknown ones visible', () => {
    expect(fill('{a} of {b}', { a: 1, b: 'x' })).toBe('1 of x');
    expect(fill('{a} and {missing}', { a: 1 })).toBe('1 and {missing}');
    expect(translate('zh', 'labs.steps', { count: 5 })).toBe('5 步');
  });

  it('starts in the saved language, else the browser language', () => {
    expect(initialLang('zh', ['en-US'])).toBe('zh');
    expect(initialLang(null, ['zh-CN', 'en'])).toBe('zh');
    expect(initialLang('fr', ['en-GB'])).toBe('en');
  });
});
