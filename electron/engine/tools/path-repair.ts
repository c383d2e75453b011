// Apps started from a desktop (Finder, Dock, some Linux launchers) do not inherit the shell's
// PATH, so docker/kind/kubectl are "not found" although they work in a terminal. This module
// computes a repaired PATH: the login shell's PATH (read once by the host), the current PATH and
// the places the usual installers put these tools. Pure, so it is tested per platform.
import { posix, win32 } from 'node:path';

export interface PathContext {
  platform: NodeJS.Platform;
  home: string;
  currentPath: string;
  /** PATH printed by `$SHELL -ilc`, when the host could read it. */
  loginShellPath?: string;
  /** %LOCALAPPDATA%, %ProgramFiles% on Windows. */
  localAppData?: string;
  programFiles?: string;
}

function wellKnownToolDirs(ctx: PathContext): string[] {
  const h = ctx.home;
  if (ctx.platform === 'win32') {
    const pf = ctx.programFiles ?? 'C:\\Program Files';
    return [
      win32.join(pf, 'Docker', 'Docker', 'resources', 'bin'),
      win32.join(pf, 'Kubernetes', 'bin'),
      ...(ctx.localAppData ? [win32.join(ctx.localAppData, 'Microsoft', 'WinGet', 'Links')] : []),
      win32.join(h, 'scoop', 'shims'),
      'C:\\ProgramData\\chocolatey\\bin',
      win32.join(h, 'go', 'bin'),
    ];
  }
  const common = [posix.join(h, '.local', 'bin'), posix.join(h, 'go', 'bin'), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  if (ctx.platform === 'darwin') {
    return [
      '/opt/homebrew/bin',
      '/usr/local/bin',
      posix.join(h, '.docker', 'bin'),
      '/Applications/Docker.app/Contents/Resources/bin',
      posix.join(h, '.rd', 'bin'),
      posix.join(h, '.orbstack', 'bin'),
      '/opt/local/bin',
      ...common,
    ];
  }
  return [...common, '/snap/bin', posix.join(h, '.rd', 'bin'), '/home/linuxbrew/.linuxbrew/bin'];
}

/** The repaired PATH: current entries first, then the login shell's, then well-known dirs. */
export function repairPath(ctx: PathContext): string {
  const delim = ctx.platform === 'win32' ? ';' : ':';
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (dir: string) => {
    const d = dir.trim();
    if (!d) return;
    const key = ctx.platform === 'win32' ? d.toLowerCase() : d;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  ctx.currentPath.split(delim).forEach(add);
  (ctx.loginShellPath ?? '').split(delim).forEach(add);
  wellKnownToolDirs(ctx).forEach(add);
  return out.join(delim);
}

/** Extracts the PATH that a login shell printed between markers, ignoring rc-file chatter. */
export function parseLoginShellOutput(output: string, marker: string): string | undefined {
  const start = output.indexOf(marker);
  if (start < 0) return undefined;
  const end = output.indexOf(marker, start + marker.length);
  if (end < 0) return undefined;
  const value = output.slice(start + marker.length, end).trim();
  return value || undefined;
}

