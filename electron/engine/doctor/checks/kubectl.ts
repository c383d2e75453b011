// Is kubectl installed, and within the supported skew of the cluster's Kubernetes version?
// Docker Desktop ships its own kubectl, often several minors behind; it tends to win on PATH.
import { fill } from '../../i18n/text.ts';
import { type CheckOutcome, type DoctorCheck, NO_TEXT, always, joinText } from '../check.ts';
import { kubectlInstall } from '../install.ts';
import { errorLine, parseVersion, unreadableOutput } from '../parse.ts';

export const kubectlCheck: DoctorCheck = {
  id: 'kubectl',
  category: 'tools',
  title: { en: 'kubectl', zh: 'kubectl' },
  applies: always,
  async check({ facts }): Promise<CheckOutcome> {
    const kubectl = await facts.kubectl();
    const install = kubectlInstall(facts.pins, facts.platform, facts.probes.arch);
    if (!kubectl.path) {
      return { status: 'fail', finding: { en: 'kubectl was not found on PATH.', zh: '在 PATH 中找不到 kubectl。' }, ...install };
    }
    if (!kubectl.parsed) {
      const said = kubectl.output?.error ?? (errorLine(kubectl.output?.stderr ?? '') || unreadableOutput(kubectl.output?.stdout ?? ''));
      return {
        status: 'warn',
        finding: fill({ en: 'Could not read the version of {path}: {said}', zh: '无法读取 {path} 的版本：{said}' }, { path: kubectl.path, said }),
        ...install,
      };
    }
    const cluster = parseVersion(facts.pins.kubernetes);
    const skew = facts.pins.kubectlSkew;
    const { major, minor, gitVersion } = kubectl.parsed;
    const params = { path: kubectl.path, version: gitVersion, mine: `${major}.${minor}`, cluster: `${cluster?.major}.${cluster?.minor}`, skew };
    const within = cluster !== null && major === cluster.major && Math.abs(minor - cluster.minor) <= skew;
    if (!within) {
      const bundled = /docker/i.test(kubectl.path)
        ? { en: ' This copy came with Docker Desktop; put the new one earlier on PATH.', zh: '这个 kubectl 是 Docker Desktop 自带的，请把新装的放在 PATH 中更靠前的位置。' }
        : NO_TEXT;
      return {
        status: 'warn',
        finding: fill(
          {
            en: 'kubectl {mine} vs cluster {cluster}: outside the supported skew of ±{skew} minor version ({path}).',
            zh: 'kubectl {mine} 与集群 {cluster} 的版本差超出了支持的 ±{skew} 个次版本（{path}）。',
          },
          params,
        ),
        fix: joinText(install.fix, bundled),
        fixCommands: install.fixCommands,
      };
    }
    return {
      status: 'ok',
      finding: fill({ en: 'kubectl {version} at {path} suits the {cluster} cluster.', zh: 'kubectl {version}，位于 {path}，与 {cluster} 集群匹配。' }, params),
    };
  },
};
