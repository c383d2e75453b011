// Finds docker, kind and kubectl as absolute paths on the (repaired) PATH, once, so every
// command runs a known binary and the doctor can show which one.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

export type ToolName = 'docker' | 'kind' | 'kubectl';

export type ToolPaths = Record<ToolName, string | null>;

function findExecutable(name: string, pathValue: string, platform: NodeJS.Platform = process.platform, pathExt = process.env.PATHEXT): string | null {
  const delim = platform === 'win32' ? ';' : ':';
  const exts = platform === 'win32' ? (pathExt ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  for (const dir of pathValue.split(delim)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext.toLowerCase());
      const upper = join(dir, name + ext);
      for (const c of ext ? [candidate, upper] : [candidate]) {
        try {
          if (!statSync(c).isFile()) continue;
          if (platform !== 'win32') accessSync(c, constants.X_OK);
          return c;
        } catch {
          // not here
        }
      }
    }
  }
  return null;
}

export function resolveTools(pathValue: string, platform: NodeJS.Platform = process.platform): ToolPaths {
  return {
    docker: findExecutable('docker', pathValue, platform),
    kind: findExecutable('kind', pathValue, platform),
    kubectl: findExecutable('kubectl', pathValue, platform),
  };
}
