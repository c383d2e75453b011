// Lint: the boundaries of the architecture (DESIGN.md §1) and no import cycles, for the
// TypeScript of every side and the renderer's Svelte files.
//
//   - The renderer reaches the engine only through the contract: from electron/ it may import
//     electron/api.ts (types) and electron/shared/ (pure code both sides need), nothing else.
//   - electron/shared/ imports only the contract and itself: no engine, no Node, no Electron, no
//     package, so the renderer can bundle it.
//   - The engine never imports a host (CLI, browser mode, Electron, the hosts' session) nor
//     Electron itself: it is usable without any of them.
//   - No import cycle anywhere, type imports included (scripts/lint/no-import-cycle.js).
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';
import kindlab from './scripts/lint/no-import-cycle.js';

const SPEC = ['**/*.spec.ts'];

/** Which side may import which (import-x/no-restricted-paths zones). */
const BOUNDARIES = [
  {
    target: './renderer/src',
    from: './electron',
    except: ['./api.ts', './shared'],
    message: 'The renderer talks to the engine only through electron/api.ts; pure code both sides need goes to electron/shared/.',
  },
  {
    target: './electron/shared',
    from: './electron',
    except: ['./api.ts', './shared'],
    message: 'electron/shared/ is pure: it imports only the contract and itself.',
  },
  {
    target: './electron/engine',
    from: ['./electron/cli', './electron/server', './electron/desktop', './electron/hosts', './electron/main.ts', './electron/preload.ts'],
    message: 'The engine never imports a host: hosts wrap the engine, not the other way round.',
  },
];

export default [
  {
    ignores: ['node_modules/**', 'dist/**', 'out/**', 'test-results/**', 'renderer/node_modules/**', 'scripts/controlplane/cache/**', '**/*.tmp.ts'],
  },
  {
    // The disable comments already in the code name rules of the full set (typescript-eslint's
    // recommended); until that set is on, they are not reported as unused.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    // parserOptions.parser too: import-x parses the .svelte files a .ts file imports with these options.
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module', parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['**/*.svelte'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['**/*.ts', '**/*.svelte', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX, svelte, kindlab },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'] })],
      'import-x/extensions': ['.ts', '.js', '.mjs', '.svelte'],
      'import-x/parsers': { [tseslint.parser.meta?.name ?? '@typescript-eslint/parser']: ['.ts'], 'svelte-eslint-parser': ['.svelte'] },
    },
    rules: {
      'kindlab/no-import-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: BOUNDARIES }],
    },
  },
  {
    // Test code lives under test/: a production module never imports it (the specs beside them may).
    files: ['electron/**/*.ts', 'renderer/src/**/*.ts', 'renderer/src/**/*.svelte'],
    ignores: SPEC,
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...BOUNDARIES, { target: ['./electron', './renderer/src'], from: './test', message: 'Test code lives under test/; production modules never import it.' }] }],
    },
  },
  {
    files: ['electron/shared/**/*.ts'],
    ignores: SPEC,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\.\\.?/)', message: 'electron/shared/ is pure: no Node module, no package (the renderer bundles it).' }] }],
    },
  },
  {
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.svelte'],
    ignores: SPEC,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'The renderer runs in a browser: no Node modules.' }], paths: [{ name: 'electron', message: 'The renderer never imports Electron.' }] }],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine runs without Electron.' }] }],
    },
  },
  {
    // Words the engine hands out are Text (a string, or { en, zh }): one in a template literal prints "[object Object]" (tier 3's report did). Type-aware, for the TypeScript
    // of tsconfig.json (the renderer's .svelte and .ts files have their own tsconfig and tx()).
    files: ['electron/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'bin/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowAny: true, allowBoolean: true, allowNullish: true, allowNumber: true, allowRegExp: true, allowNever: true },
      ],
    },
  },
];
