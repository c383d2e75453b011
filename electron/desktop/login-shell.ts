// A desktop launch (Finder, Dock, a .desktop file) does not run the learner's shell profile, so
// PATH lacks Homebrew, ~/.local/bin and friends and docker/kind/kubectl look missing. Ask the
// login shell once for its PATH, between markers so rc-file chatter cannot confuse us.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { parseLoginShellOutput } from '../engine/tools/path-repair.ts';

/** argv that makes `shell` print its login PATH between two markers. */
export function loginShellCommand(shell: string, marker: string): string[] {
  // fish keeps PATH as a list; join it the way every other shell prints it.
  const script = basename(shell) === 'fish' ? `printf '%s' '${marker}'(string join : $PATH)'${marker}'` : `printf '%s%s%s' '${marker}' "$PATH" '${marker}'`;
  return [shell, '-ilc', script];
}

export interface LoginShellOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

/** The login shell's PATH, or undefined (Windows, no $SHELL, a slow or broken profile). */
export function readLoginShellPath(opts: LoginShellOptions = {}): Promise<string | undefined> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const shell = env.SHELL;
  if (platform === 'win32' || !shell) return Promise.resolve(undefined);
  const marker = `__KINDLAB_PATH_${randomBytes(6).toString('hex')}__`;
  const [file, ...args] = loginShellCommand(shell, marker);
  return new Promise((resolve) => {
    execFile(file as string, args, { env: { ...env, TERM: 'dumb' }, timeout: opts.timeoutMs ?? 5000, maxBuffer: 1024 * 1024, windowsHide: true }, (_err, stdout) => {
      // A profile that exits non-zero may still have printed the PATH: take what is there.
      resolve(parseLoginShellOutput(String(stdout ?? ''), marker));
    });
  });
}
