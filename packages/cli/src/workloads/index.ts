/**
 * Loads every workload: one import line per workload file below, so a new workload is a new
 * file here that calls `registerWorkload`, plus its line. The imports are static: a module loaded
 * by `require` (mocha under tsx) and one loaded by dynamic `import()` would be two instances of
 * the registry, and workloads registered in one would be missing from the other.
 * @module
 */
import './functions-2d.js';
import './mlp-mnist.js';
import './cnn-mnist.js';
import './transformer-modadd.js';

export * from './registry.js';

/**
 * Resolves once every workload is registered (they are, by this module's imports); kept so that
 * callers need not know how workloads are loaded.
 * @example
 * ```ts
 * await loadWorkloads();
 * workloadNames(); // ['fn-rosenbrock', 'fn-saddle', 'fn-beale', 'mlp-mnist', 'cnn-mnist', 'transformer-modadd']
 * ```
 */
export function loadWorkloads(): Promise<void> {
  return Promise.resolve();
}
