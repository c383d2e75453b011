// A scripted stand-in for the ToolRunner: records every command and answers from a script.
import { KindlabError } from '../../../../electron/engine/errors.ts';
import type { ToolName } from '../../../../electron/engine/tools/resolve.ts';
import type { RunOptions, RunResult } from '../../../../electron/engine/tools/run.ts';
import type { ToolExec } from '../../../../electron/engine/labs/probes.ts';

export interface ScriptedRun {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

export class FakeTools implements ToolExec {
  readonly calls: { tool: ToolName; args: string[]; opts: RunOptions }[] = [];

  constructor(private readonly script: (tool: ToolName, args: string[]) => ScriptedRun | undefined = () => undefined) {}

  async run(tool: ToolName, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ tool, args, opts });
    const r = this.script(tool, args) ?? {};
    const result: RunResult = { command: [tool, ...args], exitCode: r.exitCode ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', durationMs: 1 };
    if (result.exitCode !== 0 && !opts.allowFailure) {
      throw new KindlabError({ code: 'command-failed', message: `${tool} exited with ${result.exitCode}`, hint: '', command: result.command, exitCode: result.exitCode });
    }
    return result;
  }
}
