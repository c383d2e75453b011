// Runs docker, kind and kubectl: absolute paths, argument arrays (never a shell string),
// bounded by a timeout, cancellable, and killed as a whole process tree. Every failure becomes
// a Failure with the command, the exit code, the stderr tail and a hint.
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { LocalizedText } from '../../api.ts';
import { KindlabError, tail } from '../errors.ts';
import { classifyStderr } from './hints.ts';
import { isAlive, killTree } from './kill-tree.ts';
import type { ToolName, ToolPaths } from './resolve.ts';

export interface RunOptions {
  signal?: AbortSignal;
  /** Upper bound for the command; default 60 s. */
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
  /** Receives every output line as it arrives (kind writes its progress to stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Return a non-zero exit as a result instead of throwing. */
  allowFailure?: boolean;
  /** Extra hint used when the stderr matches no known pattern. */
  hint?: LocalizedText;
}

export interface RunResult {
  command: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const INSTALL_HINTS: Record<ToolName, LocalizedText> = {
  docker: {
    en: 'Install Docker: Docker Engine on Linux (https://docs.docker.com/engine/install/), Docker Desktop on macOS and Windows. Then open a new terminal.',
    zh: '请安装 Docker：Linux 上安装 Docker Engine（https://docs.docker.com/engine/install/），macOS 和 Windows 上安装 Docker Desktop。然后打开一个新终端。',
  },
  kind: {
    en: 'Install kind v0.33.0: `go install sigs.k8s.io/kind@v0.33.0`, `brew install kind`, or download https://kind.sigs.k8s.io/dl/v0.33.0/kind-<os>-<arch> into a folder on your PATH.',
    zh: '请安装 kind v0.33.0：`go install sigs.k8s.io/kind@v0.33.0`、`brew install kind`，或把 https://kind.sigs.k8s.io/dl/v0.33.0/kind-<os>-<arch> 下载到 PATH 中的目录。',
  },
  kubectl: {
    en: 'Install kubectl v1.35: https://kubernetes.io/docs/tasks/tools/ (for example `curl -LO https://dl.k8s.io/release/v1.35.8/bin/linux/amd64/kubectl`).',
    zh: '请安装 kubectl v1.35：https://kubernetes.io/docs/tasks/tools/（例如 `curl -LO https://dl.k8s.io/release/v1.35.8/bin/linux/amd64/kubectl`）。',
  },
};

export function installHint(tool: ToolName): LocalizedText {
  return INSTALL_HINTS[tool];
}

const CANCELLED = {
  message: { en: 'cancelled', zh: '已取消' },
  hint: { en: 'The operation was cancelled. Run it again to continue; finished stages are kept.', zh: '操作已取消，已完成的阶段会保留。再次运行即可继续。' },
};

export class ToolRunner {
  /** pids of commands still running, so a cancelled operation can prove nothing is left. */
  private readonly running = new Set<number>();

  constructor(
    readonly paths: ToolPaths,
    private readonly env: NodeJS.ProcessEnv,
    /**
     * How to install each tool; the context passes the doctor's own advice (the pinned kind's
     * real download URL for this OS and CPU), so every screen names the same fix.
     */
    private readonly installHints: Partial<Record<ToolName, LocalizedText>> = {},
  ) {}

  private installHintFor(tool: ToolName): LocalizedText {
    return this.installHints[tool] ?? INSTALL_HINTS[tool];
  }

  has(tool: ToolName): boolean {
    return this.paths[tool] !== null;
  }

  pathOf(tool: ToolName): string {
    const p = this.paths[tool];
    if (!p) {
      throw new KindlabError({
        code: 'tool-missing',
        message: { en: `${tool} was not found on PATH`, zh: `在 PATH 中找不到 ${tool}` },
        hint: this.installHintFor(tool),
        command: [tool],
      });
    }
    return p;
  }

  runningPids(): number[] {
    return [...this.running].filter(isAlive);
  }

  async run(tool: ToolName, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const file = this.pathOf(tool);
    const command = [tool, ...args];
    const timeoutMs = opts.timeoutMs ?? 60_000;
    if (opts.signal?.aborted) throw this.cancelledError(command);
    const t0 = Date.now();
    const child = execa(file, args, {
      reject: false,
      env: { ...this.env, ...opts.env },
      extendEnv: false,
      input: opts.input,
      stdin: opts.input === undefined ? 'ignore' : 'pipe',
      detached: process.platform !== 'win32',
      windowsHide: true,
      stripFinalNewline: false,
      cleanup: true,
      maxBuffer: 64 * 1024 * 1024,
    });
    const pid = child.pid;
    if (pid) this.running.add(pid);

    let killedFor: 'timeout' | 'cancel' | null = null;
    const stop = (why: 'timeout' | 'cancel') => {
      if (killedFor || !pid) return;
      killedFor = why;
      killTree(pid, 'SIGTERM');
      setTimeout(() => killTree(pid, 'SIGKILL'), 2000).unref();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    timer.unref();
    const onAbort = () => stop('cancel');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    if (opts.onLine) {
      const onLine = opts.onLine;
      // readline re-emits stream errors on the interface; a killed child must not crash the engine.
      if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => onLine(l, 'stdout')).on('error', () => undefined);
      if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => onLine(l, 'stderr')).on('error', () => undefined);
    }

    const result = await child;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (pid) {
      // The leader is gone; make sure nothing it started lingers (kind runs docker children).
      if (killedFor) killTree(pid, 'SIGKILL');
      this.running.delete(pid);
    }
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    const durationMs = Date.now() - t0;

    if (killedFor === 'cancel') throw this.cancelledError(command);
    if (killedFor === 'timeout') {
      throw new KindlabError({
        code: 'timeout',
        message: { en: `${tool} did not finish within ${Math.round(timeoutMs / 1000)} s`, zh: `${tool} 在 ${Math.round(timeoutMs / 1000)} 秒内没有结束` },
        hint: classifyStderr(stderr)?.hint ?? opts.hint ?? { en: 'The command hung. Check that the container engine is responsive (`docker info`) and try again.', zh: '命令卡住了。请确认容器引擎响应正常（`docker info`），然后重试。' },
        command,
        exitCode: null,
        stderrTail: tail(stderr),
      });
    }
    if (result.signal) {
      // Killed from outside (the OOM killer, a learner's `kill -9`): not a missing tool.
      throw new KindlabError({
        code: 'command-failed',
        message: { en: `${command.join(' ')} was killed by ${result.signal}`, zh: `${command.join(' ')} 被信号 ${result.signal} 终止` },
        hint: {
          en: 'Something outside kindlab stopped the command; on a machine short of memory that is usually the out-of-memory killer. Check free memory (and the container engine\'s memory limit), then run it again.',
          zh: '命令被 kindlab 之外的因素终止了；在内存不足的机器上，通常是内存不足时的进程终止机制（OOM killer）所为。请检查可用内存（以及容器引擎的内存上限），然后重试。',
        },
        command,
        exitCode: null,
        stderrTail: tail(stderr),
      });
    }
    if (result.failed && result.exitCode === undefined) {
      // Spawning itself failed (ENOENT, EACCES).
      throw new KindlabError({
        code: 'tool-missing',
        message: { en: `could not run ${file}: ${result.originalMessage ?? result.shortMessage}`, zh: `无法运行 ${file}：${result.originalMessage ?? result.shortMessage}` },
        hint: this.installHintFor(tool),
        command,
      });
    }
    const exitCode = result.exitCode ?? 1;
    const run: RunResult = { command, exitCode, stdout, stderr, durationMs };
    if (exitCode !== 0 && !opts.allowFailure) throw this.commandFailed(run, opts.hint);
    return run;
  }

  commandFailed(run: RunResult, fallbackHint?: LocalizedText): KindlabError {
    const cls = classifyStderr(run.stderr) ?? classifyStderr(run.stdout);
    const lastLine = tail(run.stderr, 1)[0] ?? tail(run.stdout, 1)[0] ?? '';
    return new KindlabError({
      code: cls?.code ?? 'command-failed',
      message: { en: `${run.command.join(' ')} exited with ${run.exitCode}${lastLine ? `: ${lastLine}` : ''}`, zh: `${run.command.join(' ')} 以退出码 ${run.exitCode} 结束${lastLine ? `：${lastLine}` : ''}` },
      hint: cls?.hint ??
        fallbackHint ?? {
          en: 'Read the error output above; run the same command in a terminal to see it in full.',
          zh: '请阅读上面的错误输出；在终端中运行同一命令可以看到完整信息。',
        },
      command: run.command,
      exitCode: run.exitCode,
      stderrTail: tail(run.stderr),
    });
  }

  private cancelledError(command: string[]): KindlabError {
    return new KindlabError({ code: 'cancelled', ...CANCELLED, command });
  }
}
