// inotify limits are per user and not namespaced: every kind node shares the host's. With the
// Ubuntu defaults (8192 watches, 128 instances) pods crash with "too many open files" once a
// second node or a few watchers start.
import { type CheckOutcome, type DoctorCheck, ENGINE_NAMES, fillLocalized } from '../check.ts';

const INOTIFY_LIMITS = [
  { key: 'max_user_watches', want: 524_288 },
  { key: 'max_user_instances', want: 512 },
] as const;

const path = (key: string) => `/proc/sys/fs/inotify/${key}`;

export const inotifyCheck: DoctorCheck = {
  id: 'inotify',
  category: 'host',
  title: { en: 'inotify limits', zh: 'inotify 限额' },
  // Only Linux has these knobs on the host; elsewhere the engine's VM owns them.
  applies: ({ facts }) => facts.platform === 'linux',
  async check({ facts }): Promise<CheckOutcome> {
    const engine = await facts.engine();
    if (engine.reachable && !engine.classified.sharesHostKernel) {
      return {
        status: 'skip',
        finding: fillLocalized(
          { en: '{engine} runs containers in its own VM; the limits that count are inside it, not on this machine.', zh: '{engine} 在自己的虚拟机里运行容器，起作用的限额在虚拟机内，而不是本机。' },
          { engine: ENGINE_NAMES[engine.classified.engine] },
        ),
      };
    }
    const values = await Promise.all(INOTIFY_LIMITS.map(async (l) => ({ ...l, have: Number.parseInt((await facts.file(path(l.key))) ?? '', 10) })));
    const unreadable = values.find((v) => Number.isNaN(v.have));
    if (unreadable) {
      return { status: 'skip', finding: fillLocalized({ en: 'Could not read {path}.', zh: '无法读取 {path}。' }, { path: path(unreadable.key) }) };
    }
    const low = values.filter((v) => v.have < v.want);
    const summary = values.map((v) => `${v.key}=${v.have}`).join(', ');
    if (low.length === 0) {
      return { status: 'ok', finding: fillLocalized({ en: 'inotify limits are high enough ({summary}).', zh: 'inotify 限额足够（{summary}）。' }, { summary }) };
    }
    const wanted = low.map((v) => `fs.inotify.${v.key}=${v.want}`);
    const lines = low.map((v) => `fs.inotify.${v.key} = ${v.want}\\n`).join('');
    return {
      status: 'warn',
      finding: fillLocalized(
        {
          en: 'inotify limits are low ({low}); pods may fail with "too many open files".',
          zh: 'inotify 限额偏低（{low}），Pod 可能因 “too many open files” 而失败。',
        },
        { low: low.map((v) => `${v.key} ${v.have} < ${v.want}`).join(', ') },
      ),
      fix: {
        en: 'Raise the limits now with sysctl, and keep them after a reboot with a file in /etc/sysctl.d/.',
        zh: '用 sysctl 立即调高限额，并在 /etc/sysctl.d/ 中写一个配置文件，让它在重启后依然生效。',
      },
      fixCommands: [`sudo sysctl -w ${wanted.join(' ')}`, `printf '${lines}' | sudo tee /etc/sysctl.d/99-kindlab-inotify.conf`],
    };
  },
};
