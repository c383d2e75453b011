// The embedded terminal: a real shell in a pseudo-terminal (node-pty) whose KUBECONFIG points
// at the lab cluster's own kubeconfig, so every kubectl the learner types talks to the lab and
// never to ~/.kube/config. Output is batched for a few milliseconds so a chatty command sends a
// handful of messages instead of thousands, and the pty is paused while the renderer is behind
// (flow.ts).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ClusterSettings, EventEnvelope, Lang, TerminalOpenRequest, TerminalSession } from '../../api.ts';
import type { EngineContext } from '../context.ts';
import { KindlabError } from '../errors.ts';
import { clusterPaths } from '../paths.ts';
import { installKubectlGuard } from './kubectl-guard.ts';
import { type FlowDecision, FlowControl } from '../../shared/terminal-flow.ts';

interface Pty {
  pid: number;
  onData(cb: (d: string) => void): void;
  onExit(cb: (e: { exitCode: number }) => void): void;
  write(d: string): void;
  resize(c: number, r: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
}

type PtyModule = { spawn(file: string, args: string[], opts: Record<string, unknown>): Pty };

const BATCH_MS = 5;

function defaultShell(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): { file: string; args: string[] } {
  if (platform === 'win32') return { file: env.COMSPEC?.toLowerCase().includes('powershell') ? env.COMSPEC : 'powershell.exe', args: ['-NoLogo'] };
  const sh = env.SHELL && existsSync(env.SHELL) ? env.SHELL : existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
  return { file: sh, args: ['-i'] };
}

/**
 * The shell's environment: the engine's (repaired PATH) plus the lab kubeconfig, and, first on
 * PATH, the folder of the kubectl that says "no cluster yet" while that file is missing
 * (kubectl-guard.ts).
 */
function terminalEnv(base: NodeJS.ProcessEnv, kubeconfig: string, clusterName: string, guard?: { dir: string; lang: Lang; platform: NodeJS.Platform }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.KUBECONFIG = kubeconfig;
  env.KINDLAB_CLUSTER = clusterName;
  if (guard) {
    const pathKey = guard.platform === 'win32' ? (Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'Path') : 'PATH';
    env[pathKey] = [guard.dir, env[pathKey]].filter(Boolean).join(guard.platform === 'win32' ? ';' : ':');
    env.KINDLAB_KUBECONFIG = kubeconfig;
    env.KINDLAB_LANG = guard.lang;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  return env;
}

interface Session {
  pty: Pty;
  pending: string;
  timer: NodeJS.Timeout | null;
  flow: FlowControl;
}

export class TerminalManager {
  private readonly sessions = new Map<string, Session>();
  private pty: PtyModule | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly emit: (e: EventEnvelope) => void,
  ) {}

  private loadPty(): PtyModule {
    if (this.pty) return this.pty;
    try {
      this.pty = createRequire(import.meta.url)('node-pty') as PtyModule;
      return this.pty;
    } catch (err) {
      throw new KindlabError({
        code: 'internal',
        message: { en: `the terminal module (node-pty) could not be loaded: ${(err as Error).message.split('\n')[0]}`, zh: `无法加载终端模块（node-pty）：${(err as Error).message.split('\n')[0]}` },
        hint: { en: 'Reinstall with `npm install` (node-pty is compiled for this machine); in the packaged app, reinstall kindlab.', zh: '请用 `npm install` 重新安装（node-pty 是为本机编译的）；如果是打包好的应用，请重新安装 kindlab。' },
      });
    }
  }

  async open(req: TerminalOpenRequest, settings: ClusterSettings): Promise<TerminalSession> {
    const cols = Math.max(20, Math.min(500, Math.floor(req.cols)));
    const rows = Math.max(5, Math.min(300, Math.floor(req.rows)));
    const { kubeconfig } = clusterPaths(this.ctx.dataDir, settings.name);
    const shell = defaultShell(this.ctx.env, this.ctx.platform);
    const realKubectl = this.ctx.tools.paths.kubectl;
    const guard = realKubectl ? { dir: installKubectlGuard(join(this.ctx.dataDir, 'terminal', 'bin'), realKubectl, this.ctx.platform), lang: req.lang ?? this.ctx.lang, platform: this.ctx.platform } : undefined;
    const pty = this.loadPty().spawn(shell.file, shell.args, {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: this.ctx.home,
      env: terminalEnv(this.ctx.env, kubeconfig, settings.name, guard),
    });
    const sessionId = randomUUID();
    const s: Session = { pty, pending: '', timer: null, flow: new FlowControl() };
    this.sessions.set(sessionId, s);
    pty.onData((d) => {
      s.pending += d;
      s.timer ??= setTimeout(() => this.flush(sessionId), BATCH_MS);
      // Counted as it is read, not as it is sent: on a busy machine the batch timer fires late,
      // and counting at flush time would let the pty run far past the watermark first.
      this.apply(s, s.flow.sent(d.length));
    });
    pty.onExit(({ exitCode }) => {
      this.flush(sessionId);
      this.sessions.delete(sessionId);
      this.emit({ event: 'terminal:exit', payload: { sessionId, exitCode } });
    });
    return { sessionId, shell: shell.file, kubeconfig };
  }

  private flush(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    if (!s.pending) return;
    const data = s.pending;
    s.pending = '';
    this.emit({ event: 'terminal:data', payload: { sessionId, data } });
  }

  private apply(s: Session, decision: FlowDecision): void {
    if (decision === 'pause') s.pty.pause();
    else if (decision === 'resume') s.pty.resume();
  }

  async ack(sessionId: string, chars: number): Promise<void> {
    // An ack may arrive just after the shell exited; that is not an error.
    const s = this.sessions.get(sessionId);
    if (s) this.apply(s, s.flow.acked(chars));
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new KindlabError({ code: 'bad-input', message: { en: `no terminal session ${sessionId}`, zh: `没有终端会话 ${sessionId}` }, hint: { en: 'The shell has exited; open a new terminal.', zh: 'Shell 已退出；请打开一个新终端。' } });
    return s;
  }

  async input(sessionId: string, data: string): Promise<void> {
    this.get(sessionId).pty.write(data);
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<void> {
    this.get(sessionId).pty.resize(Math.max(20, Math.floor(cols)), Math.max(5, Math.floor(rows)));
  }

  async close(sessionId: string): Promise<void> {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    s.pty.kill();
    this.sessions.delete(sessionId);
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) void this.close(id);
  }
}
