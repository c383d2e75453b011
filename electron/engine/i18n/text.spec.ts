import { describe, expect, it } from 'vitest';
import { both, fromText, inLang, pick, toText } from './text.ts';

describe('both languages in one string', () => {
  it('reads back each language, and stays plain where they agree', () => {
    const s = both({ en: 'no cluster yet', zh: '还没有集群' });
    expect(inLang(s, 'en')).toBe('no cluster yet');
    expect(inLang(s, 'zh')).toBe('还没有集群');
    expect(both({ en: 'kubectl', zh: 'kubectl' })).toBe('kubectl');
  });

  it('survives template literals, joins and nesting', () => {
    const what = [both({ en: 'type NodePort', zh: '类型为 NodePort' }), 'port 80'].join(', ');
    const s = `✗ ${both({ en: `Service web: ${what}`, zh: `Service web：${what}` })} (2 s)`;
    expect(inLang(s, 'en')).toBe('✗ Service web: type NodePort, port 80 (2 s)');
    expect(inLang(s, 'zh')).toBe('✗ Service web：类型为 NodePort, port 80 (2 s)');
  });

  it('drops stray markers of a cut string instead of showing them', () => {
    const s = both({ en: 'abc', zh: '甲乙丙' });
    expect(inLang(s.slice(0, 3), 'en')).toBe('ab');
    expect(inLang(s.slice(4), 'zh')).toBe('甲乙丙');
    expect(inLang(s.slice(4), 'en')).not.toMatch(/[\uE000-\uE002]/);
  });

  it('becomes the contract text: a pair, or a plain string', () => {
    expect(toText(`${both({ en: 'deleted', zh: '已删除' })} Pod web-1`)).toEqual({ en: 'deleted Pod web-1', zh: '已删除 Pod web-1' });
    expect(toText('kind create cluster')).toBe('kind create cluster');
    // a pair whose sides carry marked pieces (a finding that quotes an engine error)
    expect(toText({ en: `failed: ${both({ en: 'timeout', zh: '超时' })}`, zh: `失败：${both({ en: 'timeout', zh: '超时' })}` })).toEqual({ en: 'failed: timeout', zh: '失败：超时' });
    expect(JSON.stringify(toText(both({ en: 'a', zh: 'b' })))).not.toMatch(/[\uE000-\uE002]/);
  });

  it('picks one language at an edge, from either form', () => {
    expect(pick({ en: 'a', zh: 'b' }, 'zh')).toBe('b');
    expect(pick(both({ en: 'a', zh: 'b' }), 'zh')).toBe('b');
    expect(inLang(fromText({ en: 'a', zh: 'b' }), 'en')).toBe('a');
  });
});
