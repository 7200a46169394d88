/**
 * Data-order plugins: `sequential`, `shuffle` and `curriculum` (with `linear`, `root` and `step`
 * pacing), all in the one registry under kind `'order'`.
 * @module
 */
export * from './types.js';
export * from './sequential.js';
export * from './curriculum.js';
