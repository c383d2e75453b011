import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../addons/pins.ts';
import { downloadArch, downloadOs, kindInstall, kubectlInstall } from './install.ts';

describe('install advice', () => {
  it("maps Node's platform and arch to the download names", () => {
    expect([downloadOs('win32'), downloadOs('darwin'), downloadOs('linux')]).toEqual(['windows', 'darwin', 'linux']);
    expect([downloadArch('x64'), downloadArch('arm64')]).toEqual(['amd64', 'arm64']);
  });

  it('points kind at the pinned download and go install on Linux', () => {
    const { fix, fixCommands } = kindInstall(DEFAULT_PINS, 'linux', 'x64');
    expect(fixCommands[0]).toBe('curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64');
    expect(fix.en).toContain('go install sigs.k8s.io/kind@v0.33.0');
    expect(fix.zh).toContain('go install sigs.k8s.io/kind@v0.33.0');
    expect(fix.en).not.toContain('brew');
  });

  it('adds Homebrew on macOS and uses curl.exe on Windows', () => {
    expect(kindInstall(DEFAULT_PINS, 'darwin', 'arm64').fixCommands[0]).toContain('kind-darwin-arm64');
    expect(kindInstall(DEFAULT_PINS, 'darwin', 'arm64').fix.en).toContain('brew install kind');
    const win = kindInstall(DEFAULT_PINS, 'win32', 'x64');
    expect(win.fixCommands).toEqual(['curl.exe -Lo kind.exe https://kind.sigs.k8s.io/dl/v0.33.0/kind-windows-amd64']);
    expect(win.fix.zh).toContain('winget');
  });

  it('installs the kubectl that matches the pinned Kubernetes', () => {
    expect(kubectlInstall(DEFAULT_PINS, 'linux', 'x64').fixCommands[0]).toBe('curl -LO https://dl.k8s.io/release/v1.35.8/bin/linux/amd64/kubectl');
    expect(kubectlInstall(DEFAULT_PINS, 'win32', 'x64').fixCommands[0]).toBe('curl.exe -LO https://dl.k8s.io/release/v1.35.8/bin/windows/amd64/kubectl.exe');
    expect(kubectlInstall({ ...DEFAULT_PINS, kubernetes: '1.36.4' }, 'darwin', 'arm64').fix.en).toContain('v1.36.4');
  });
});
