#!/usr/bin/env node
// The `descent` command: runs the TypeScript sources through tsx, so `npx descent …` works right
// after `npm install`, with no build step. It starts
//   node --import tsx --conditions=source packages/cli/src/descent.ts …args
// (the `source` export condition makes every @descent/* import resolve to its src/*.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsx = import.meta.resolve('tsx');
const entry = fileURLToPath(new URL('../src/descent.ts', import.meta.url));
const child = spawnSync(process.execPath, ['--import', tsx, '--conditions=source', entry, ...process.argv.slice(2)], { stdio: 'inherit' });
if (child.error) console.error(`descent: could not start node: ${child.error.message}`);
process.exitCode = child.error ? 1 : (child.status ?? 1);
