// Is there a docker CLI at all? Everything else kindlab does goes through it.
import { fill } from '../../i18n/text.ts';
import { installHint } from '../../tools/run.ts';
import { type DoctorCheck, always } from '../check.ts';

export const dockerCliCheck: DoctorCheck = {
  id: 'docker-cli',
  category: 'tools',
  title: { en: 'Docker CLI', zh: 'Docker 命令行工具' },
  applies: always,
  async check({ facts }) {
    const path = facts.probes.run.paths.docker;
    if (!path) {
      return {
        status: 'fail',
        finding: { en: 'The docker command was not found on PATH.', zh: '在 PATH 中找不到 docker 命令。' },
        fix: installHint('docker'),
      };
    }
    const { clientVersion } = await facts.engine();
    return {
      status: 'ok',
      finding: clientVersion
        ? fill({ en: 'docker {version} at {path}.', zh: 'docker {version}，位于 {path}。' }, { version: clientVersion, path })
        : fill({ en: 'docker at {path}.', zh: 'docker 位于 {path}。' }, { path }),
    };
  },
};
