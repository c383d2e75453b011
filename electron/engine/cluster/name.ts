// Which cluster names kindlab accepts. kind's own rule is /^[a-z0-9.-]+$/, which lets "." and
// ".." through; the name also becomes a folder under the data folder (which `down` removes)
// and the prefix of Docker container names, which must start with a letter or digit. So the
// first character must be a letter or digit, and the length is bounded.
import type { Lang } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import { pick } from '../i18n/text.ts';

const CLUSTER_NAME = /^[a-z0-9][a-z0-9.-]{0,49}$/;

export function isValidClusterName(name: string): boolean {
  return CLUSTER_NAME.test(name);
}

/** Throws a learner-readable error for a name that is not safe to use. */
export function assertClusterName(name: string, lang: Lang = 'en'): string {
  if (isValidClusterName(name)) return name;
  throw new KindlabError({
    code: 'bad-input',
    message: pick({ en: `"${name}" is not a valid cluster name`, zh: `“${name}”不是有效的集群名称` }, lang),
    hint: pick(
      {
        en: 'Use up to 50 lowercase letters, digits, "-" and ".", starting with a letter or digit, for example cluster01 (--name or KINDLAB_CLUSTER).',
        zh: '最多 50 个字符，只能使用小写字母、数字、“-”和“.”，并以字母或数字开头，例如 cluster01（--name 或 KINDLAB_CLUSTER）。',
      },
      lang,
    ),
  });
}
