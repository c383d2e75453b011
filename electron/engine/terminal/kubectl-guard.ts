// kubectl in the lab terminal before the lab cluster exists. KUBECONFIG names the cluster's own
// file, which `kindlab up` writes; until then kubectl reads an empty config, falls back to
// localhost:8080 and prints five memcache.go errors and a refusal that explain nothing. A small
// wrapper first on the shell's PATH says in one line that there is no cluster yet, and otherwise
// runs the real kubectl untouched. It looks for the file on every call, so a cluster built while
// the shell is open just works; a learner who points KUBECONFIG elsewhere gets kubectl as is.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../../api.ts';
import { APP_LABELS } from '../../shared/app-labels.ts';

export const NO_CLUSTER_LINE: Record<Lang, string> = {
  en: `kindlab: there is no cluster yet, so kubectl has nothing to talk to. Build it first: ${APP_LABELS.buildCluster.en} on the ${APP_LABELS.clusterScreen.en} screen, or kindlab up.`,
  zh: `kindlab：还没有集群，kubectl 没有可以连接的对象。请先创建：在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.buildCluster.zh}”，或运行 kindlab up。`,
};

/** Subcommands and flags that need no cluster: they pass through even before it exists. */
const OFFLINE_FIRST = ['completion', 'help', 'config', 'plugin', 'options', 'kustomize'];
const OFFLINE_FLAGS = ['--client', '--help', '-h'];

const shQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The POSIX wrapper (sh): pure, so the spec can run it against a stand-in kubectl. */
function posixGuard(realKubectl: string): string {
  return `#!/bin/sh
# Written by kindlab for its lab terminal (see electron/engine/terminal/kubectl-guard.ts).
real=${shQuote(realKubectl)}
if [ -n "\${KINDLAB_KUBECONFIG:-}" ] && [ "\${KUBECONFIG:-}" = "$KINDLAB_KUBECONFIG" ] && [ ! -e "$KINDLAB_KUBECONFIG" ]; then
  case "\${1:-}" in ${OFFLINE_FIRST.join('|')}) exec "$real" "$@" ;; esac
  for a in "$@"; do case "$a" in ${OFFLINE_FLAGS.join('|')}) exec "$real" "$@" ;; esac; done
  case "\${KINDLAB_LANG:-}" in
    zh*) echo ${shQuote(NO_CLUSTER_LINE.zh)} >&2 ;;
    *) echo ${shQuote(NO_CLUSTER_LINE.en)} >&2 ;;
  esac
  exit 1
fi
exec "$real" "$@"
`;
}

/** The Windows wrapper (cmd, found before kubectl.exe through PATHEXT), printed in UTF-8. */
export function cmdGuard(realKubectl: string): string {
  const lines = [
    '@echo off',
    'rem Written by kindlab for its lab terminal (see electron/engine/terminal/kubectl-guard.ts).',
    'setlocal',
    'if not defined KINDLAB_KUBECONFIG goto run',
    'if /i not "%KUBECONFIG%"=="%KINDLAB_KUBECONFIG%" goto run',
    'if exist "%KINDLAB_KUBECONFIG%" goto run',
    ...OFFLINE_FIRST.map((c) => `if /i "%~1"=="${c}" goto run`),
    'for %%a in (%*) do (',
    ...OFFLINE_FLAGS.map((f) => `  if /i "%%~a"=="${f}" goto run`),
    ')',
    // The console's code page is put back afterwards: the learner's shell keeps its own.
    'for /f "tokens=2 delims=:." %%c in (\'chcp\') do set "kindlab_cp=%%c"',
    'chcp 65001 >nul',
    `if /i "%KINDLAB_LANG:~0,2%"=="zh" (echo ${NO_CLUSTER_LINE.zh} 1>&2) else (echo ${NO_CLUSTER_LINE.en} 1>&2)`,
    'chcp %kindlab_cp% >nul',
    'exit /b 1',
    ':run',
    `"${realKubectl}" %*`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Writes the wrapper into `dir` and returns that folder, to put first on the shell's PATH. */
export function installKubectlGuard(dir: string, realKubectl: string, platform: NodeJS.Platform): string {
  mkdirSync(dir, { recursive: true });
  if (platform === 'win32') {
    writeFileSync(join(dir, 'kubectl.cmd'), cmdGuard(realKubectl), 'utf8');
  } else {
    const file = join(dir, 'kubectl');
    writeFileSync(file, posixGuard(realKubectl));
    chmodSync(file, 0o755);
  }
  return dir;
}
