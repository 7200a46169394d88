/**
 * Loads every workload: imports each file of this folder (except this one and the registry), in
 * name order, so a new workload is one new file here that calls `registerWorkload`.
 * @module
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export * from './registry.js';

let loading: Promise<void> | undefined;

/** Files of this folder that are not workloads. */
const NOT_WORKLOADS = new Set(['index', 'registry']);

/**
 * Import every workload file once (later calls wait for the first).
 * @example
 * ```ts
 * await loadWorkloads();
 * workloadNames(); // ['fn-beale', 'fn-rosenbrock', 'fn-saddle', 'mlp-mnist']
 * ```
 */
export function loadWorkloads(): Promise<void> {
  loading ??= (async () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(dir)
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !NOT_WORKLOADS.has(f.replace(/\.(ts|js)$/, '')))
      .sort();
    for (const f of files) await import(pathToFileURL(`${dir}/${f}`).href);
  })();
  return loading;
}
