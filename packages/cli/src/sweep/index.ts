/**
 * Sweeps of independent runs: the serialisable run specification and its hash, the outcome of a
 * run, the executor interface with an in-thread and a worker-thread implementation, and the
 * on-disk cache. See docs/benchmark.md ("Executors") for adding another executor.
 * @module
 */
export * from './spec.js';
export * from './result.js';
export * from './json.js';
export * from './cache.js';
export * from './execute.js';
export * from './executor.js';
export * from './local_pool.js';
export * from './queue.js';
export * from './grid.js';
export * from './asha.js';
