// How to install the pinned kind and a matching kubectl on this platform, as text and as
// copyable commands. The versions and URLs come from the pins, so a pin bump updates the advice.
import type { LocalizedText } from '../../api.ts';
import type { Pins } from '../addons/pins.ts';
import { fill } from '../i18n/text.ts';

// The context builds the tools' install hints from this file: it must not need the doctor's checks.
const NO_TEXT: LocalizedText = { en: '', zh: '' };

export interface InstallFix {
  fix: LocalizedText;
  fixCommands: string[];
}

/** The OS word in kind's and Kubernetes' download URLs. */
export function downloadOs(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'windows' : platform;
}

/** Node's arch names mapped to Go's. */
export function downloadArch(arch: string): string {
  return arch === 'x64' ? 'amd64' : arch;
}

export function kindInstall(pins: Pins, platform: NodeJS.Platform, arch: string): InstallFix {
  const version = pins.kind.version;
  const url = pins.kind.download.replace('{os}', downloadOs(platform)).replace('{arch}', downloadArch(arch));
  const params = { version, url };
  if (platform === 'win32') {
    return {
      fix: fill(
        {
          en: 'Install kind v{version}: download {url} as kind.exe (command below) and move it into a folder on your PATH; or run `winget install Kubernetes.kind`; or, with Go installed, `go install sigs.k8s.io/kind@v{version}`. Then open a new terminal.',
          zh: '请安装 kind v{version}：用下面的命令把 {url} 下载为 kind.exe，再移到 PATH 中的某个目录；也可以运行 `winget install Kubernetes.kind`；装有 Go 的话还可以运行 `go install sigs.k8s.io/kind@v{version}`。然后打开一个新终端。',
        },
        params,
      ),
      fixCommands: [`curl.exe -Lo kind.exe ${url}`],
    };
  }
  const brew = platform === 'darwin' ? { en: ' `brew install kind` also works.', zh: '也可以用 `brew install kind`。' } : NO_TEXT;
  return {
    fix: fill(
      {
        en: `Install kind v{version}: download {url} into a folder on your PATH (commands below), or, with Go installed, run \`go install sigs.k8s.io/kind@v{version}\`.${brew.en}`,
        zh: `请安装 kind v{version}：用下面的命令把 {url} 下载到 PATH 中的目录；装有 Go 的话也可以运行 \`go install sigs.k8s.io/kind@v{version}\`。${brew.zh}`,
      },
      params,
    ),
    fixCommands: [`curl -Lo ./kind ${url}`, 'chmod +x ./kind', 'sudo mv ./kind /usr/local/bin/kind'],
  };
}

export function kubectlInstall(pins: Pins, platform: NodeJS.Platform, arch: string): InstallFix {
  const version = pins.kubernetes;
  const exe = platform === 'win32' ? '.exe' : '';
  const url = `https://dl.k8s.io/release/v${version}/bin/${downloadOs(platform)}/${downloadArch(arch)}/kubectl${exe}`;
  const params = { version, url };
  if (platform === 'win32') {
    return {
      fix: fill(
        {
          en: "Install kubectl v{version}: download {url} (command below) into a folder that comes before Docker Desktop's in PATH, or run `winget install -e --id Kubernetes.kubectl`. Then open a new terminal.",
          zh: '请安装 kubectl v{version}：用下面的命令下载 {url}，放到 PATH 中排在 Docker Desktop 目录之前的文件夹；也可以运行 `winget install -e --id Kubernetes.kubectl`。然后打开一个新终端。',
        },
        params,
      ),
      fixCommands: [`curl.exe -LO ${url}`],
    };
  }
  return {
    fix: fill(
      {
        en: 'Install kubectl v{version} from {url} (commands below); see https://kubernetes.io/docs/tasks/tools/ for other ways.',
        zh: '请从 {url} 安装 kubectl v{version}（命令见下）；其他安装方式见 https://kubernetes.io/docs/tasks/tools/。',
      },
      params,
    ),
    fixCommands: [`curl -LO ${url}`, 'sudo install -m 0755 kubectl /usr/local/bin/kubectl'],
  };
}
