// Kills a process and everything it started. Tools are spawned as process-group leaders on
// POSIX (detached), so one signal to the negative pid reaches kind's own docker children too.
// On Windows `taskkill /T` walks the tree (a .cmd shim there spawns children of its own).
import { spawnSync } from 'node:child_process';

export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (process.platform === 'win32') {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
