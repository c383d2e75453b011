// Is kind installed, and new enough for the pinned node image?
import { fill } from '../../i18n/text.ts';
import { type CheckOutcome, type DoctorCheck, always } from '../check.ts';
import { errorLine, isOlder, unreadableOutput } from '../parse.ts';
import { kindInstall } from '../install.ts';

export const kindCheck: DoctorCheck = {
  id: 'kind',
  category: 'tools',
  title: { en: 'kind', zh: 'kind' },
  applies: always,
  async check({ facts }): Promise<CheckOutcome> {
    const kind = await facts.kind();
    const { version: pinned, minimum } = facts.pins.kind;
    const install = kindInstall(facts.pins, facts.platform, facts.probes.arch);
    if (!kind.path) {
      return { status: 'fail', finding: { en: 'kind was not found on PATH.', zh: '在 PATH 中找不到 kind。' }, ...install };
    }
    const params = { path: kind.path, version: kind.version ?? '', pinned, minimum };
    if (!kind.version) {
      const said = kind.output?.error ?? (errorLine(kind.output?.stderr ?? '') || unreadableOutput(kind.output?.stdout ?? ''));
      return {
        status: 'warn',
        finding: fill({ en: 'Could not read the version of {path}: {said}', zh: '无法读取 {path} 的版本：{said}' }, { ...params, said }),
        ...install,
      };
    }
    if (isOlder(kind.version, minimum)) {
      return {
        status: 'fail',
        finding: fill(
          { en: 'kind {version} is too old: the pinned Kubernetes node image needs kind {minimum} or newer.', zh: 'kind {version} 版本太旧：固定使用的 Kubernetes 节点镜像需要 kind {minimum} 或更新版本。' },
          params,
        ),
        ...install,
      };
    }
    if (isOlder(kind.version, pinned)) {
      return {
        status: 'warn',
        finding: fill({ en: 'kind {version} works, but kindlab is tested with {pinned}.', zh: 'kind {version} 可以用，但 kindlab 是用 {pinned} 测试的。' }, params),
        ...install,
      };
    }
    return { status: 'ok', finding: fill({ en: 'kind {version} at {path}.', zh: 'kind {version}，位于 {path}。' }, params) };
  },
};
