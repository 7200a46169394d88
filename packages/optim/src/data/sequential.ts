/**
 * The `sequential` and `shuffle` data orders.
 * @module
 */
import { resolveOptions } from '../options.js';
import { orders, splitIntoBatches, type DataOrder, type OrderContext } from './types.js';

/**
 * Samples in their stored order, every epoch: batch `i` holds samples `i·B … i·B + B − 1`
 * (what the golden `train` traces use). Registered as `sequential` (no options).
 * @example
 * ```ts
 * sequentialOrder().batches({ n: 5, batchSizes: [2, 2, 1], epoch: 0, step: 0, totalSteps: 3, rng });
 * // [[0, 1], [2, 3], [4]]
 * ```
 */
export function sequentialOrder(): DataOrder {
  return {
    name: 'sequential',
    batches: ({ n, batchSizes }: OrderContext) => splitIntoBatches(Int32Array.from({ length: n }, (_, i) => i), batchSizes),
  };
}

/**
 * A new uniformly random permutation of the samples every epoch (Fisher–Yates from the order's
 * seeded generator), cut into batches: each sample is seen once per epoch, in an order that is
 * reproducible under the trainer's seed. Registered as `shuffle` (no options).
 * @example
 * ```ts
 * const order = shuffleOrder();
 * order.batches({ n: 4, batchSizes: [2, 2], epoch: 0, step: 0, totalSteps: 2, rng: new Rng(1) }); // e.g. [[2, 0], [3, 1]]
 * ```
 */
export function shuffleOrder(): DataOrder {
  return {
    name: 'shuffle',
    batches: ({ n, batchSizes, rng }: OrderContext) => splitIntoBatches(rng.permutation(n), batchSizes),
  };
}

orders.register<Record<string, never>>({
  name: 'sequential',
  description: 'samples in stored order every epoch (no shuffling)',
  defaults: {},
  create: (options) => {
    resolveOptions('sequential', {}, options);
    return sequentialOrder();
  },
});

orders.register<Record<string, never>>({
  name: 'shuffle',
  description: 'a new seeded random permutation of the samples every epoch',
  defaults: {},
  create: (options) => {
    resolveOptions('shuffle', {}, options);
    return shuffleOrder();
  },
});
