// Which cluster names kindlab accepts. kind's own rule is /^[a-z0-9.-]+$/, which lets "." and
// ".." through; the name also becomes a folder under the data folder (which `down` removes),
// the prefix of Docker container names, and the start of node names that kubeadm requires to be
// DNS names. So the name is dot-separated labels that each start and end with a letter or digit
// (no "..", no trailing dot, which Windows would strip from the folder name), at most 50 long.
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';

const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const CLUSTER_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

export function isValidClusterName(name: string): boolean {
  return name.length <= 50 && CLUSTER_NAME.test(name);
}

/** What a cluster name may be, as the hints say it (the CLI's and the window's endings differ). */
const NAME_RULE = {
  en: 'Use up to 50 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, with no ".." (a DNS name), for example cluster01',
  zh: '最多 50 个字符，只能使用小写字母、数字、“-”和“.”，以字母或数字开头和结尾，且不能有“..”（即一个 DNS 名称），例如 cluster01',
};

/** Throws a learner-readable error for a name that is not safe to use. */
export function assertClusterName(name: string): string {
  if (isValidClusterName(name)) return name;
  throw new KindlabError({
    code: 'bad-input',
    message: both({ en: `"${name}" is not a valid cluster name`, zh: `“${name}”不是有效的集群名称` }),
    hint: both({ en: `${NAME_RULE.en} (--name or KINDLAB_CLUSTER).`, zh: `${NAME_RULE.zh}（--name 或 KINDLAB_CLUSTER）。` }),
    // The window takes the name from KINDLAB_CLUSTER, set where kindlab was started; it has no flag.
    appHint: both({ en: `${NAME_RULE.en}: set KINDLAB_CLUSTER to it and start kindlab again.`, zh: `${NAME_RULE.zh}：把 KINDLAB_CLUSTER 设为它，再重新启动 kindlab。` }),
  });
}
