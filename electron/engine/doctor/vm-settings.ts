// Where each engine keeps its memory and CPU settings. For VM-based engines the limits that
// matter are the VM's, not the machine's, so the advice names the engine's own knob.
import type { LocalizedText } from '../../api.ts';
import { fillLocalized } from './check.ts';
import type { EngineKind } from './parse.ts';

export interface ResourceAdvice {
  fix: LocalizedText;
  fixCommands: string[];
}

export function moreResources(engine: EngineKind, platform: NodeJS.Platform, what: LocalizedText): ResourceAdvice {
  const say = (text: LocalizedText, fixCommands: string[] = []): ResourceAdvice => ({ fix: fillLocalized(text, { what }), fixCommands });
  switch (engine) {
    case 'docker-desktop':
      return platform === 'win32'
        ? say(
            {
              en: 'Give Docker Desktop more {what}: Settings → Resources. With the WSL 2 backend the limit is in %UserProfile%\\.wslconfig (under [wsl2]: memory=8GB, processors=4); run `wsl --shutdown` afterwards.',
              zh: '请给 Docker Desktop 分配更多{what}：Settings → Resources。使用 WSL 2 后端时，限制写在 %UserProfile%\\.wslconfig 的 [wsl2] 段（memory=8GB、processors=4），改完运行 `wsl --shutdown`。',
            },
            ['wsl --shutdown'],
          )
        : say({ en: 'Give Docker Desktop more {what}: Settings → Resources → Advanced, then Apply & restart.', zh: '请给 Docker Desktop 分配更多{what}：Settings → Resources → Advanced，然后点 Apply & restart。' });
    case 'colima':
      return say({ en: 'Restart Colima with more {what}.', zh: '请用更多{what}重新启动 Colima。' }, ['colima stop', 'colima start --cpu 4 --memory 8']);
    case 'podman':
      if (platform !== 'linux') {
        return say({ en: 'Give the Podman machine more {what} (it must be stopped to change).', zh: '请给 Podman 虚拟机分配更多{what}（修改前需先停止它）。' }, [
          'podman machine stop',
          'podman machine set --cpus 4 --memory 8192',
          'podman machine start',
        ]);
      }
      break;
    case 'rancher-desktop':
      return say({ en: 'Give Rancher Desktop more {what}: Preferences → Virtual Machine.', zh: '请给 Rancher Desktop 分配更多{what}：Preferences → Virtual Machine。' }, [
        'rdctl set --virtual-machine.memory-in-gb 8 --virtual-machine.number-cpus 4',
      ]);
    case 'orbstack':
      return say({ en: 'Raise the OrbStack limit for {what}: Settings → System.', zh: '请在 OrbStack 的 Settings → System 中调高{what}上限。' });
    default:
      break;
  }
  return say({
    en: 'The engine uses this machine’s own {what}: close other programs while you work through the labs, or use a machine with more.',
    zh: '容器引擎直接使用本机的{what}：做实验时请关闭其他程序，或换一台配置更高的机器。',
  });
}
