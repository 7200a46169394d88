// `npm run test:golden [-- --plugin FILE]… [-- --dir DIR]`: runs every trace in GOLDEN_DIR (default
// test/golden; `--dir` overrides it), one line per failing trace, then `N passed, M failed, K
// skipped`; exits non-zero on any failure. `--plugin FILE` (repeatable) loads a plugin module
// first, as `descent --plugin` does (it registers its optimizers when imported, or exports
// `register(api)`), so traces of your own optimizer run against it by its registry name.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlugins } from '@descent/cli';
import './all_kinds.js';
import { goldenDir, listTraceFiles, runTraceFile } from './runner.js';

/** Runs the traces; returns the process's exit status (2: usage or plugin error, 1: a failure). */
async function main(): Promise<number> {
  let args: { plugin?: string[]; dir?: string };
  try {
    args = parseArgs({ options: { plugin: { type: 'string', multiple: true }, dir: { type: 'string' } }, allowPositionals: false }).values;
  } catch (e) {
    console.error(`test:golden: ${(e as Error).message}\nusage: npm run test:golden -- [--plugin FILE]… [--dir DIR]   (or GOLDEN_DIR=DIR)`);
    return 2;
  }
  try {
    await loadPlugins(args.plugin ?? []);
  } catch (e) {
    console.error(`test:golden: ${(e as Error).message}`);
    return 2;
  }
  const dir = args.dir ?? goldenDir();
  let files: string[];
  try {
    files = listTraceFiles(dir);
  } catch (e) {
    console.error(`test:golden: cannot list the traces of '${dir}' (from ${args.dir ? '--dir' : 'GOLDEN_DIR or test/golden'}): ${(e as Error).message}`);
    return 2;
  }
  const results = files.map(runTraceFile);
  for (const r of results) {
    if (r.status === 'fail') console.log(`FAIL ${basename(r.file)} (${r.kind}): ${r.message}`);
    if (r.status === 'skip') console.log(`skip ${basename(r.file)}: ${r.message}`);
  }
  const count = (s: string) => results.filter((r) => r.status === s).length;
  console.log(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  if (results.length === 0) { console.log(`no traces found in ${dir}`); return 1; }
  return count('fail') > 0 ? 1 : 0;
}

process.exitCode = await main();
