// Does the container engine answer, which one is it, and can kind use it?
import type { LocalizedText } from '../../../api.ts';
import { type CheckOutcome, type DoctorCheck, ENGINE_NAMES, NO_TEXT, always, fillLocalized } from '../check.ts';
import type { EngineFacts } from '../facts.ts';
import { isOlder } from '../parse.ts';

/** kind (v0.20 and later) needs Docker 20.10 or newer. */
const MIN_DOCKER = '20.10.0';

interface StartAdvice {
  fix: LocalizedText;
  fixCommands: string[];
}

const CONTEXT_NOTE: LocalizedText = {
  en: ' If you run another engine, `docker context ls` shows which one the CLI talks to.',
  zh: '如果你用的是别的容器引擎，可以用 `docker context ls` 查看命令行当前连接的是哪一个。',
};

function advice(en: string, zh: string, fixCommands: string[]): StartAdvice {
  return { fix: { en: en + CONTEXT_NOTE.en, zh: zh + CONTEXT_NOTE.zh }, fixCommands: [...fixCommands, 'docker context ls'] };
}

/** How to start the engine the CLI points at, or the usual one for the platform. */
function startAdvice(engine: EngineFacts, platform: NodeJS.Platform): StartAdvice {
  if (/permission denied/i.test(engine.error ?? '')) {
    return advice(
      'Your user may not talk to the Docker daemon. Add yourself to the docker group, then log out and back in.',
      '当前用户没有权限访问 Docker 守护进程。把自己加入 docker 组，然后注销并重新登录。',
      ['sudo usermod -aG docker $USER'],
    );
  }
  switch (engine.classified.engine) {
    case 'colima':
      return advice('Start Colima.', '请启动 Colima。', ['colima start']);
    case 'podman':
      return platform === 'linux'
        ? advice('Start the Podman API socket.', '请启动 Podman 的 API 套接字。', ['systemctl --user start podman.socket'])
        : advice('Start the Podman machine.', '请启动 Podman 虚拟机。', ['podman machine start']);
    case 'rancher-desktop':
      return advice('Start Rancher Desktop and wait until it is ready.', '请启动 Rancher Desktop，并等待它就绪。', ['rdctl start']);
    case 'orbstack':
      return advice('Start OrbStack.', '请启动 OrbStack。', ['orb start']);
    case 'rootless-docker':
      return advice('Start your rootless Docker daemon.', '请启动 rootless 模式的 Docker 守护进程。', ['systemctl --user start docker']);
    default:
      break;
  }
  if (platform === 'linux' && engine.classified.engine !== 'docker-desktop') {
    return advice('Start the Docker daemon and let it start at boot.', '请启动 Docker 守护进程，并设为开机自启。', ['sudo systemctl start docker', 'sudo systemctl enable docker']);
  }
  const open = platform === 'darwin' ? ['open -a Docker'] : platform === 'linux' ? ['systemctl --user start docker-desktop'] : [];
  return advice(
    'Start Docker Desktop and wait until it says the engine is running.',
    '请启动 Docker Desktop，并等到它显示引擎正在运行。',
    open,
  );
}

/** " (context, endpoint)" in the punctuation of each language. */
function where(engine: EngineFacts): LocalizedText {
  const parts = [engine.contextName, engine.host].filter(Boolean);
  return parts.length > 0 ? { en: ` (${parts.join(', ')})`, zh: `（${parts.join('，')}）` } : NO_TEXT;
}

export const dockerDaemonCheck: DoctorCheck = {
  id: 'docker-daemon',
  category: 'engine',
  title: { en: 'Container engine', zh: '容器引擎' },
  applies: always,
  async check({ facts }): Promise<CheckOutcome> {
    const engine = await facts.engine();
    if (!engine.cli) {
      return { status: 'skip', finding: { en: 'Needs the docker CLI (see above).', zh: '需要先安装 docker 命令行工具（见上一项）。' } };
    }
    if (!engine.reachable || !engine.info) {
      return {
        status: 'fail',
        finding: fillLocalized({ en: 'The container engine does not answer{where}: {error}', zh: '容器引擎没有响应{where}：{error}' }, { where: where(engine), error: engine.error ?? '' }),
        ...startAdvice(engine, facts.platform),
      };
    }
    if (engine.info.osType === 'windows') {
      return {
        status: 'fail',
        finding: { en: 'Docker Desktop runs Windows containers; kind needs Linux containers.', zh: 'Docker Desktop 当前运行的是 Windows 容器，kind 需要 Linux 容器。' },
        fix: { en: 'Right-click the Docker Desktop icon in the tray and choose "Switch to Linux containers…".', zh: '右键单击任务栏中的 Docker Desktop 图标，选择“Switch to Linux containers…”。' },
        fixCommands: ['& "$Env:ProgramFiles\\Docker\\Docker\\DockerCli.exe" -SwitchLinuxEngine'],
      };
    }
    const version = engine.serverVersion ?? '';
    const params = {
      product: engine.serverProduct ?? 'Engine',
      version,
      where: where(engine),
      engine: ENGINE_NAMES[engine.classified.engine],
      min: MIN_DOCKER,
    };
    if (!engine.info.podman && isOlder(version, MIN_DOCKER)) {
      return {
        status: 'fail',
        finding: fillLocalized({ en: 'Docker {version} is too old: kind needs {min} or newer.', zh: 'Docker {version} 版本太旧：kind 需要 {min} 或更新的版本。' }, params),
        fix: { en: 'Update Docker (Docker Engine from docs.docker.com/engine/install, or the latest Docker Desktop).', zh: '请升级 Docker（按 docs.docker.com/engine/install 安装新版 Docker Engine，或安装最新的 Docker Desktop）。' },
      };
    }
    return {
      status: 'ok',
      finding: fillLocalized({ en: '{product} {version}{where}, recognised as {engine}.', zh: '{product} {version}{where}，识别为 {engine}。' }, params),
    };
  },
};
