// ESLint rule kindlab/no-import-cycle: no two modules may import each other, directly or round
// a loop, counting `import type` too. import-x/no-cycle skips type-only imports, and the cycle
// this rule was written for (the engine and the lab service) was one: a type import still ties
// two modules together, so that neither can be understood, tested or moved alone.
//
// The graph is the repository's own source (.ts, .js, .mjs, .svelte), read once per lint run with
// TypeScript's preProcessFile (which knows comments, strings, type and dynamic imports); a module
// in a strongly connected component of more than one is reported at each import that stays inside
// it, with the loop spelled out.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOTS = ['electron', 'renderer/src', 'scripts', 'test', 'bin'];
const SKIP = new Set(['node_modules', 'dist', 'out', 'cache', 'test-results']);
const SOURCE = /\.(ts|js|mjs|svelte)$/;

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (SKIP.has(e.name) || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
}

/** The script of a Svelte file (its <script> blocks), or the file itself. */
function scriptOf(file, text) {
  if (!file.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function importsOf(file) {
  const text = scriptOf(file, readFileSync(file, 'utf8'));
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => resolveSpecifier(file, f.fileName)).filter((p) => p !== null);
}

/** Tarjan's strongly connected components; returns file → its component (only those of size > 1). */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const component = new Map();
  const visit = (v) => {
    // Iterative, so a long chain of imports cannot overflow the stack.
    const work = [[v, 0]];
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    while (work.length) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const next = graph.get(node) ?? [];
      if (i < next.length) {
        frame[1]++;
        const w = next[i];
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index);
          index++;
          stack.push(w);
          on.add(w);
          work.push([w, 0]);
        } else if (on.has(w)) {
          low.set(node, Math.min(low.get(node), idx.get(w)));
        }
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1][0];
          low.set(parent, Math.min(low.get(parent), low.get(node)));
        }
        if (low.get(node) === idx.get(node)) {
          const members = [];
          let w;
          do {
            w = stack.pop();
            on.delete(w);
            members.push(w);
          } while (w !== node);
          if (members.length > 1) {
            const set = new Set(members);
            for (const m of members) component.set(m, set);
          }
        }
      }
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return component;
}

let cached = null;
function analysis(root) {
  if (cached?.root === root) return cached;
  const files = [];
  for (const r of ROOTS) walk(join(root, r), files);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  cached = { root, graph, component: cycles(graph) };
  return cached;
}

/** The shortest way from `from` back to `to` inside their component, for the message. */
function loop(graph, members, from, to) {
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const v = queue.shift();
    if (v === to) break;
    for (const w of graph.get(v) ?? []) {
      if (members.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [];
  for (let v = to; v !== null && v !== undefined; v = prev.get(v)) path.unshift(v);
  return path;
}

export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycles between modules, type imports included' },
    schema: [],
    messages: { cycle: 'import cycle: {{loop}}' },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const { graph, component } = analysis(root);
    const members = component.get(file);
    if (!members) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = resolveSpecifier(file, spec);
      if (!target || !members.has(target)) return;
      const path = [file, ...loop(graph, members, target, file)];
      context.report({ node, messageId: 'cycle', data: { loop: path.map((p) => relative(root, p)).join(' → ') } });
    };
    const fromSource = (node) => check(node, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node, node.source?.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

export default { rules: { 'no-import-cycle': noImportCycle } };
