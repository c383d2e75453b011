import { describe, expect, it } from 'vitest';
import { usageError } from './usage-errors.ts';

describe('usageError: commander usage errors in Chinese', () => {
  it.each([
    ["error: unknown option '--bogus'", '没有 --bogus 这个选项'],
    ["error: unknown option '--dryrun'\n(Did you mean --dry-run?)", '没有 --dryrun 这个选项（是不是想用 --dry-run？）'],
    ["error: unknown command 'frobnicate'", '没有 frobnicate 这个命令'],
    ["error: missing required argument 'id'", '缺少必需的参数 id'],
    ["error: option '--inspect <file>' argument missing", '选项 --inspect <file> 缺少参数'],
    ["error: too many arguments for 'status'. Expected 0 arguments but got 1.", 'status 的参数太多：应为 0 个，实际 1 个'],
    ["error: option '--lang <lang>' argument 'fr' is invalid. Allowed choices are en, zh.", '选项 --lang <lang> 的参数 fr 无效，可选值为 en, zh'],
  ])('%s', (message, zh) => {
    expect(usageError(message).zh).toBe(zh);
    expect(usageError(message).en).toBe(message.replace(/^error: /, ''));
  });

  it('an unknown wording stays English in both', () => {
    expect(usageError('error: something new')).toEqual({ en: 'something new', zh: 'something new' });
  });
});
