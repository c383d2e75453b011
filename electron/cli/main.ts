// The `kindlab` command: the same engine as the desktop app, for terminals, scripts and SSH
// sessions. Exit codes: 0 success, 1 a check or operation failed, 2 bad input (wrong flag,
// unreadable file), 130 cancelled. Errors are one clear block on stderr, never a stack trace
// (set KINDLAB_DEBUG=1 to see one). With --json every command prints one JSON object on stdout,
// on success (its result) and on failure ({ ok: false, failure }).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CacheMode, Channel, ClusterSettings, CniChoice, EventEnvelope, Failure, IngressChoice, Lang, OpKind, RequestOf, ResponseOf } from '../api.ts';
import { type Engine, createEngine } from '../engine/engine.ts';
import { KindlabError, toFailure } from '../engine/errors.ts';
import { type EngineConfig, readKindlabEnv } from '../engine/env.ts';
import { detectLang } from '../engine/i18n/text.ts';
import { textIn } from '../shared/text.ts';
import { doctorLines, failureLines, importLines, labListLines, labRunLines, manifestLines, noClusterLines, planLines, poolLines, problemLines, statusLines } from './format.ts';
import { bundleLines } from './bundle-lines.ts';
import { cacheStatusLines } from './cache-format.ts';
import { PlainProgress, type ProgressSink, TtyProgress } from './progress.ts';
import { usageError } from './usage-errors.ts';

interface Io {
  out(text: string): void;
  err(text: string): void;
  stderr: NodeJS.WriteStream;
  isTTY: boolean;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb' && !process.env.CI,
};

class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface GlobalOpts {
  lang?: string;
  name?: string;
  lan?: boolean;
  hostAddress?: string;
  nodeImage?: string;
  cni?: CniChoice;
  ingress?: IngressChoice;
}

/** --lang's value, read before commander parses, so that even its errors speak the language. */
function langFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return undefined;
  const a = argv[i] as string;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

function exitFor(f: Failure): number {
  if (f.code === 'cancelled') return 130;
  if (f.code === 'bad-input' || f.code === 'lab-invalid') return 2;
  return 1;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let engine: Engine | null = null;
  // The KINDLAB_* variables, read and validated once, when the engine is first needed (a wrong
  // one is a bad-input failure that names it). KINDLAB_DEBUG is read before, for that failure too.
  const debug = process.env.KINDLAB_DEBUG === '1';
  let kindlabEnv: EngineConfig | null = null;
  let lang: Lang = detectLang(process.env, langFlag(argv));
  // Known before commander parses: a bad flag's failure is JSON too when --json was asked for.
  const json = argv.includes('--json');
  const getEngine = (g: GlobalOpts): Engine => {
    lang = detectLang(process.env, g.lang);
    kindlabEnv ??= readKindlabEnv(process.env);
    engine ??= createEngine({ lang, config: kindlabEnv });
    return engine;
  };
  const settingsOf = (g: GlobalOpts): Partial<ClusterSettings> => ({
    ...(g.name ? { name: g.name } : {}),
    ...(g.lan !== undefined ? { lanAccess: g.lan } : {}),
    ...(g.hostAddress ? { hostAddress: g.hostAddress } : {}),
    ...(g.nodeImage ? { nodeImage: g.nodeImage } : {}),
    ...(g.cni ? { cni: g.cni } : {}),
    ...(g.ingress ? { ingress: g.ingress } : {}),
  });
  const printJson = (v: unknown) => io.out(JSON.stringify(v, null, 2));
  /** The failure as one block on stderr, and as the JSON object on stdout with --json. */
  const fail = (f: Failure, oneLine = false): never => {
    if (json) printJson({ ok: false, failure: f });
    io.err(oneLine ? `✗ ${textIn(f.message, lang)} — ${textIn(f.hint, lang)}` : failureLines(f, lang).join('\n'));
    throw new ExitCode(exitFor(f));
  };
  const call = async <C extends Channel>(g: GlobalOpts, channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> => {
    try {
      return await getEngine(g).invoke(channel, req);
    } catch (err) {
      if (debug) io.err(String((err as Error).stack ?? err));
      return fail(toFailure(err));
    }
  };

  /** Runs a long operation with a progress view; Ctrl+C cancels it (twice: exits at once). */
  const runOperation = async <C extends 'cluster:up' | 'cluster:down' | 'cluster:reset' | 'lab:run' | 'cache:warm' | 'cache:clear' | 'bundle:export' | 'bundle:import'>(g: GlobalOpts, kind: OpKind, channel: C, req: RequestOf<C>, afterFailure?: (f: Failure) => string | null): Promise<ResponseOf<C>> => {
    const eng = getEngine(g);
    const opId = randomUUID();
    const title = { up: 'kindlab up', down: 'kindlab down', 'reset-fast': 'kindlab reset --fast', 'reset-full': 'kindlab reset --full', 'lab-run': 'kindlab lab run', 'lab-cleanup': 'kindlab lab cleanup', 'cache-warm': 'kindlab cache warm', 'cache-clear': 'kindlab cache clear', 'bundle-export': 'kindlab bundle export', 'bundle-import': 'kindlab bundle import' }[kind];
    const sink: ProgressSink = io.isTTY ? new TtyProgress(io.stderr, title, lang) : new PlainProgress((l) => io.err(l), lang);
    let lastPhases: { id: string; state: string }[] = [];
    const unsubscribe = eng.subscribe((e: EventEnvelope) => {
      if (e.event !== 'op' || e.payload.opId !== opId) return;
      if (e.payload.type === 'finished' || e.payload.type === 'started') lastPhases = e.payload.phases;
      sink.onEvent(e.payload);
    });
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        io.err(lang === 'zh' ? '\n正在取消…（再按一次 Ctrl+C 立即退出）' : '\ncancelling… (Ctrl+C again to quit at once)');
        void eng.invoke('op:cancel', { opId });
      } else {
        process.exit(130);
      }
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    try {
      const result = await eng.invoke(channel, { ...req, opId } as RequestOf<C>);
      sink.close();
      return result;
    } catch (err) {
      sink.close();
      const f = toFailure(err);
      if (f.code === 'cancelled' && (kind === 'up' || kind === 'reset-full')) {
        const built = lastPhases.some((p) => p.id === 'cluster' && p.state !== 'pending');
        const cancelledPhases = lastPhases.filter((p) => p.state === 'cancelled').map((p) => p.id);
        const stage = cancelledPhases.length ? cancelledPhases.join(lang === 'zh' ? '、' : ' and ') : (f.phase ?? '?');
        io.err(
          lang === 'zh'
            ? built
              ? `已在「${stage}」阶段取消。集群只构建了一半：运行 kindlab up 继续完成，或运行 kindlab down 删除它。`
              : `已在「${stage}」阶段取消，尚未创建集群。`
            : built
              ? `Cancelled during ${stage}. The cluster is half-built: run \`kindlab up\` to finish it, or \`kindlab down\` to remove it.`
              : `Cancelled during ${stage}; no cluster was created.`,
        );
        // A tool that outlived the cancel is named in the failure's diagnostics (there should be none).
        for (const line of f.diagnostics ?? []) io.err(textIn(line, lang));
        if (json) printJson({ ok: false, failure: f });
        throw new ExitCode(130);
      }
      const more = afterFailure?.(f);
      if (more && !json) {
        io.err(failureLines(f, lang).join('\n'));
        io.err(more);
        throw new ExitCode(exitFor(f));
      }
      return fail(f);
    } finally {
      unsubscribe();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  };

  const program = new Command('kindlab')
    .description('A lab for Kubernetes Services, load balancing and NetworkPolicies on a local kind cluster')
    .version('0.1.0')
    .addOption(new Option('--lang <lang>', 'language of the messages').choices(['en', 'zh']))
    .option('--name <cluster>', 'kind cluster name (default cluster01)')
    .option('--lan', 'bind the ingress ports on all host interfaces (reachable from the LAN)')
    .option('--host-address <ip>', 'in LAN mode: the host address used for nip.io names')
    .option('--node-image <image>', 'the kind node image (default: the pinned kindest/node)')
    .addOption(new Option('--cni <cni>', 'the pod network: calico (the book\'s) or kube-router').choices(['calico', 'kube-router']))
    .addOption(new Option('--ingress <controller>', 'the ingress controller: ingress-nginx (the book\'s) or traefik').choices(['ingress-nginx', 'traefik']))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: () => undefined,
    });
  const g = (): GlobalOpts => program.opts<GlobalOpts>();

  program
    .command('doctor')
    .description("check this machine: container engine, kind, kubectl, ports, memory, inotify, DNS")
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }) => {
      const report = await call(g(), 'doctor:run', { settings: settingsOf(g()) });
      if (o.json) printJson(report);
      else io.out(doctorLines(report, lang).join('\n'));
      if (!report.ok) throw new ExitCode(1);
    });

  program
    .command('up')
    .description('create the cluster and install Calico, ingress-nginx and MetalLB (safe to re-run)')
    .option('--dry-run', 'print the ordered plan without running anything')
    .option('--no-cache', 'do not use the image cache for this cluster (the nodes pull from the registries)')
    .option('--json', 'print the resulting status as JSON')
    .action(async (o: { dryRun?: boolean; json?: boolean; cache?: boolean }) => {
      const settings = { ...settingsOf(g()), ...(o.cache === false ? { imageCache: false } : {}) };
      if (o.dryRun) {
        const plan = await call(g(), 'cluster:plan', { settings });
        if (o.json) printJson(plan);
        else io.out(planLines(plan, lang).join('\n'));
        return;
      }
      const status = await runOperation(g(), 'up', 'cluster:up', { settings });
      if (o.json) printJson(status);
      else io.out(['', ...statusLines(status, lang)].join('\n'));
    });

  program
    .command('down')
    .description('delete the cluster')
    .option('--json', 'print the result as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await runOperation(g(), 'down', 'cluster:down', { settings: settingsOf(g()) });
      if (o.json) printJson(r);
      else if (r.deleted) io.out(lang === 'zh' ? '集群已删除。' : 'Cluster deleted.');
      else io.out(lang === 'zh' ? '还没有集群，没有需要删除的。要构建一个：kindlab up' : 'No cluster yet: there was nothing to delete. To build one: kindlab up');
    });

  program
    .command('reset')
    .description('reset the cluster: --fast removes what the labs created, --full recreates it')
    .option('--fast', 'remove everything the labs created and restore the add-ons (seconds)')
    .option('--full', 'delete and recreate the whole cluster (minutes)')
    .option('--no-cache', 'with --full: do not use the image cache (the nodes pull from the registries)')
    .option('--json', 'print the resulting status as JSON')
    .action(async (o: { fast?: boolean; full?: boolean; json?: boolean; cache?: boolean }) => {
      if (Boolean(o.fast) === Boolean(o.full)) {
        fail({ code: 'bad-input', message: { en: 'choose exactly one of --fast or --full', zh: '请指定 --fast 或 --full 其中之一' }, hint: 'kindlab reset --fast   |   kindlab reset --full' });
      }
      const mode = o.full ? 'full' : 'fast';
      const settings = { ...settingsOf(g()), ...(o.cache === false ? { imageCache: false } : {}) };
      const status = await runOperation(g(), o.full ? 'reset-full' : 'reset-fast', 'cluster:reset', { mode, settings });
      if (o.json) printJson(status);
      else io.out(['', ...statusLines(status, lang)].join('\n'));
    });

  program
    .command('status')
    .description('nodes, add-on health, address pools and the kubeconfig path')
    .option('--json', 'print the status as JSON')
    .action(async (o: { json?: boolean }) => {
      const status = await call(g(), 'cluster:status', { settings: settingsOf(g()) });
      if (o.json) printJson(status);
      else io.out(statusLines(status, lang).join('\n'));
    });

  program
    .command('pools')
    .description('the MetalLB address pools for the kind network')
    .option('--inspect <file>', 'read `docker network inspect kind` (or podman) JSON from a file instead of the live network')
    .option('--json', 'print the pools as JSON')
    .action(async (o: { inspect?: string; json?: boolean }) => {
      let inspectJson: string | undefined;
      if (o.inspect !== undefined) {
        try {
          inspectJson = readFileSync(o.inspect, 'utf8');
        } catch (err) {
          const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          fail(
            {
              code: 'bad-input',
              message: { en: `cannot read ${o.inspect}: ${why}`, zh: `无法读取 ${o.inspect}：${why}` },
              hint: { en: 'save the network JSON first: docker network inspect kind > kind.json', zh: '请先保存网络的 JSON：docker network inspect kind > kind.json' },
            },
            true,
          );
        }
      }
      // Bad input and a missing network are one line on stderr (scripts read it), with what to do after a dash.
      const plan = await getEngine(g())
        .invoke('pools:compute', inspectJson !== undefined ? { inspectJson } : {})
        .catch((err: unknown) => {
          const f = toFailure(err);
          if (f.code === 'cluster-missing' && !json) {
            io.err(noClusterLines(settingsOf(g()).name ?? kindlabEnv?.defaults.name ?? 'cluster01', lang, 'pools').join('\n'));
            throw new ExitCode(1);
          }
          return fail(f, f.code === 'bad-input' || f.code === 'cluster-missing');
        });
      // One line: what scripts pipe into jq (as before --json covered every command).
      if (o.json) io.out(JSON.stringify(plan));
      else io.out(poolLines(plan, lang).join('\n'));
    });

  program
    .command('config')
    .description('print generated configuration')
    .command('kind')
    .description('print the kind cluster config')
    .option('--json', 'print { yaml } as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await call(g(), 'config:kind', { settings: settingsOf(g()) });
      if (o.json) printJson(r);
      else io.out(r.yaml);
    });

  const manifests = program.command('manifests').description('the pinned upstream manifests: list them, or import them from a folder (no internet needed)');
  manifests
    .command('list')
    .description('every pinned manifest with its URL and sha256, and whether it is cached')
    .option('--json', 'print the list as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await call(g(), 'manifests:list', undefined);
      if (o.json) printJson(r);
      else io.out(manifestLines(r.manifests, r.cacheDir, lang).join('\n'));
    });
  manifests
    .command('import <dir>')
    .description('verify the release files in a folder against the pins and put them in the cache')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const r = await call(g(), 'manifests:import', { dir });
      if (o.json) printJson(r);
      else io.out(importLines(r, lang).join('\n'));
      if (r.refused.length) throw new ExitCode(1);
    });

  const cache = program.command('cache').description('the image cache: one registry per upstream that outlives every cluster');
  cache
    .command('status')
    .description('every image the add-ons (each choice) and the labs need, and whether it is cached')
    .option('--json', 'print the status as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await call(g(), 'cache:status', { settings: settingsOf(g()) });
      if (o.json) printJson(r);
      else io.out(cacheStatusLines(r, lang).join('\n'));
    });
  cache
    .command('warm')
    .description('start the caches and fill them ahead of time (proxy: pull through; local: push what this machine has)')
    .addOption(new Option('--mode <mode>', 'proxy (pull from the registries through the caches) or local (push the host engine\'s images)').choices(['proxy', 'local']))
    .option('--json', 'print the resulting status as JSON')
    .action(async (o: { mode?: CacheMode; json?: boolean }) => {
      const r = await runOperation(g(), 'cache-warm', 'cache:warm', { settings: settingsOf(g()), ...(o.mode ? { mode: o.mode } : {}) });
      if (o.json) printJson(r);
      else io.out(['', ...cacheStatusLines(r, lang)].join('\n'));
    });
  cache
    .command('clear')
    .description('remove every cache container and volume (reset and down never do)')
    .option('--json', 'print the result as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await runOperation(g(), 'cache-clear', 'cache:clear', {});
      if (o.json) printJson(r);
      else io.out(r.removed.length ? (lang === 'zh' ? `已删除：${r.removed.join('、')}` : `Removed: ${r.removed.join(', ')}`) : lang === 'zh' ? '没有缓存，无需删除。' : 'No cache: there was nothing to remove.');
    });

  // The offline bundle: every pinned manifest and image in one file, for classrooms without internet.
  const bundle = program.command('bundle').description('one file with every image and pinned manifest, for machines without internet');
  bundle
    .command('export <file>')
    .description('write every image and pinned manifest a cluster and its labs need into FILE (a tar archive)')
    .option('--only-chosen', 'only the CNI and ingress controller chosen (--cni, --ingress, or the cluster\'s), MetalLB and the labs: smaller, but offline the learner cannot switch')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean; onlyChosen?: boolean }) => {
      const r = await runOperation(g(), 'bundle-export', 'bundle:export', { file, settings: settingsOf(g()), ...(o.onlyChosen ? { onlyChosen: true } : {}) });
      if (o.json) printJson(r);
      else io.out(bundleLines(r, 'export', lang).join('\n'));
    });
  bundle
    .command('import <file>')
    .description('verify FILE against the pins, then put its manifests in the cache and its images in the image caches')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const r = await runOperation(g(), 'bundle-import', 'bundle:import', { file });
      if (o.json) printJson(r);
      else io.out(bundleLines(r, 'import', lang).join('\n'));
    });

  const labs = program.command('labs').description('the chapter exercises');
  labs
    .command('list')
    .description('list the labs')
    .option('--json', 'print the list as JSON')
    .option('--dir <dir>', 'labs folder')
    .action(async (o: { json?: boolean; dir?: string }) => {
      const r = await call(g(), 'labs:list', o.dir ? { dir: o.dir } : {});
      if (o.json) printJson(r);
      else io.out(labListLines(r.labs, lang).join('\n'));
      if (r.problems.length && !o.json) {
        io.err(problemLines(r.problems).join('\n'));
        io.err(lang === 'zh' ? `${r.problems.length} 个问题；有问题的实验未列出。` : `${r.problems.length} problem(s); broken labs are not listed.`);
      }
    });
  labs
    .command('validate')
    .description('check every lab against the schema; exit 1 on problems')
    .option('--dir <dir>', 'labs folder to validate')
    .option('--json', 'print the problems as JSON')
    .action(async (o: { dir?: string; json?: boolean }) => {
      const r = await call(g(), 'labs:validate', o.dir ? { dir: o.dir } : {});
      if (o.json) printJson(r);
      else if (r.problems.length) io.out(problemLines(r.problems).join('\n'));
      else io.out(lang === 'zh' ? '所有实验均有效。' : 'All labs are valid.');
      if (r.problems.length) throw new ExitCode(1);
    });

  program
    .command('lab')
    .description('run a lab')
    .command('run <id>')
    .description("run a lab's steps and checks against the cluster")
    .option('--step <n>', 'run only step n (1-based)')
    .option('--dry-run', 'print the actions and checks without running them')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, o: { step?: string; dryRun?: boolean; json?: boolean }) => {
      let step: number | undefined;
      if (o.step !== undefined) {
        step = Number(o.step);
        if (!Number.isInteger(step) || step < 1) fail({ code: 'bad-input', message: { en: `--step must be a positive whole number, not "${o.step}"`, zh: `--step 必须是正整数，而不是“${o.step}”` }, hint: `kindlab lab run ${id} --step 1` });
      }
      // The global --name picks the cluster, as it does for up, status and reset.
      const req = { id, lang, settings: settingsOf(g()), ...(step !== undefined ? { step } : {}), ...(o.dryRun ? { dryRun: true } : {}) };
      // Without a cluster, the CLI's own way to see a lab (the app shows its steps instead).
      const dryRunTip = (f: Failure) =>
        f.code !== 'cluster-missing' ? null : lang === 'zh' ? `提示：kindlab lab run ${id} --dry-run 可以在没有集群时查看各步骤。` : `Tip: kindlab lab run ${id} --dry-run shows the steps without a cluster.`;
      const r = o.dryRun ? await call(g(), 'lab:run', req) : await runOperation(g(), 'lab-run', 'lab:run', req, dryRunTip);
      if (o.json) printJson(r);
      else io.out(labRunLines(r, lang).join('\n'));
      if (!r.ok && !r.dryRun) throw new ExitCode(1);
    });

  program
    .command('serve')
    .description('serve the app to a browser (for headless servers); prints a URL with a one-time token')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .action(async (o: { port?: string; host?: string }) => {
      const { serve } = await import('../server/serve.ts');
      const port = o.port === undefined ? 0 : Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail({ code: 'bad-input', message: { en: `--port must be 0-65535, not "${o.port}"`, zh: `--port 必须在 0 到 65535 之间，而不是“${o.port}”` }, hint: 'kindlab serve --port 8080' });
      await serve({ engine: getEngine(g()), port, host: o.host ?? '127.0.0.1', lang, log: (l: string) => io.err(l) });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.version' || err.code === 'commander.helpDisplayed') return 0;
      // A command group without its subcommand (`kindlab lab`) shows its help: bad usage, exit 2.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      const msg = usageError(err.message);
      const usage = { en: 'Run `kindlab --help` (or `kindlab <command> --help`) for the usage.', zh: '运行 kindlab --help（或 kindlab <命令> --help）查看用法。' };
      if (json) printJson({ ok: false, failure: { code: 'bad-input', message: msg, hint: usage } satisfies Failure });
      io.err(`kindlab: ${textIn(msg, lang)}`);
      io.err(textIn(usage, lang));
      return 2;
    }
    if (debug && !(err instanceof KindlabError)) io.err(String((err as Error).stack ?? err));
    const f = toFailure(err);
    if (json) printJson({ ok: false, failure: f });
    io.err(failureLines(f, lang).join('\n'));
    return err instanceof KindlabError ? exitFor(f) : 1;
  } finally {
    const e = engine as Engine | null;
    if (e) await e.shutdown();
  }
}
