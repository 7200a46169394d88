/**
 * Executing one run specification in this thread: look up its workload and run it.
 * @module
 */
import { getWorkload, loadWorkloads } from '../workloads/index.js';
import type { RunOutcome } from './result.js';
import type { RunSpec } from './spec.js';

/**
 * Execute one run (after loading the workloads). The optimizer must be registered in this
 * thread (built-in, or by its `--plugin` module).
 * @throws RegistryError for an unknown workload or optimizer; the workload's errors for bad settings.
 * @example
 * ```ts
 * const outcome = await executeRun(spec);
 * ```
 */
export async function executeRun(spec: RunSpec): Promise<RunOutcome> {
  await loadWorkloads();
  return getWorkload(spec.workload).run(spec);
}
