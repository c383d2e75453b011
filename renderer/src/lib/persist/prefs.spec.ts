import { beforeEach, describe, expect, it } from 'vitest';
import { loadPref, readCookie, savePref } from './prefs.ts';

describe('prefs', () => {
  beforeEach(() => {
    localStorage.clear();
    for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0]?.trim()}=; Max-Age=0; Path=/`;
  });

  it('reads one cookie among others, undecodable ones as missing', () => {
    expect(readCookie('a=1; kindlab_ui_lang=zh; b=2', 'kindlab_ui_lang')).toBe('zh');
    expect(readCookie('kindlab_ui_x=%E0%A4%A', 'kindlab_ui_x')).toBeNull();
    expect(readCookie('', 'x')).toBeNull();
  });

  it('saves to localStorage and mirrors to a cookie that survives a new origin port', () => {
    savePref('lang', 'zh');
    expect(localStorage.getItem('kindlab.lang')).toBe('zh');
    localStorage.clear(); // what a new port looks like: empty storage, same host cookies
    expect(loadPref('lang')).toBe('zh');
  });
});
