import { describe, expect, it } from 'vitest';
import { isLocalized, textIn, textPair } from './text.ts';

describe('textIn', () => {
  it('picks the language, and a plain string reads the same in both', () => {
    expect(textIn({ en: 'no cluster yet', zh: '还没有集群' }, 'zh')).toBe('还没有集群');
    expect(textIn({ en: 'no cluster yet', zh: '还没有集群' }, 'en')).toBe('no cluster yet');
    expect(textIn('kubectl get pods', 'zh')).toBe('kubectl get pods');
  });

  it('falls back to English for a missing translation, and to nothing for no text', () => {
    expect(textIn({ en: 'only English', zh: '' }, 'zh')).toBe('only English');
    expect(textIn(undefined, 'en')).toBe('');
  });

  it('tells both-language text from other objects', () => {
    expect(isLocalized({ en: 'a', zh: 'b' })).toBe(true);
    expect(isLocalized({ en: 'a' })).toBe(false);
    expect(isLocalized('a')).toBe(false);
    expect(textPair('x')).toEqual({ en: 'x', zh: 'x' });
  });
});
