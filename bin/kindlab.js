#!/usr/bin/env node
// The `kindlab` command. It runs the TypeScript sources directly through tsx's loader,
// so `npx kindlab …` works in a fresh clone right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
