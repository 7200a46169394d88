/**
 * The main job (`npm start`): the optimizer benchmark with the quick preset — every workload,
 * the lecture's twelve optimizers (and any `--plugin` optimizer), learning rates tuned on
 * validation data, three seeds, claims judged with confidence intervals — written to
 * `report/index.html` and `report/results.json`. Arguments are `descent bench`'s
 * (`npm start -- --preset full`).
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';
import { benchMain } from './commands/bench.js';
import type { BenchResult } from './bench/findings.js';
import { processIo } from './io.js';

/**
 * Run the main job: `descent bench` with `argv` (default: the quick preset, writing `report/`).
 * @example
 * ```ts
 * const { reportPath, claims } = await mainJob(['--preset', 'smoke']);
 * ```
 */
export async function mainJob(argv: readonly string[] = []): Promise<BenchResult> {
  return benchMain(argv, processIo(), { command: `npm start${argv.length ? ` -- ${argv.join(' ')}` : ''}` });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  mainJob(process.argv.slice(2)).then(
    (r) => console.log(`Done in ${r.seconds.toFixed(0)} s.${r.reportPath ? ` Open ${r.reportPath} in a browser.` : ''}`),
    (e: unknown) => {
      console.error(e instanceof UsageError ? `error: ${e.message}` : e);
      process.exitCode = e instanceof UsageError ? e.exitCode : 1;
    },
  );
}
