/**
 * The data-order plugin contract: which samples go into each mini-batch of an epoch.
 *
 * An order returns, for one epoch, the list of index batches. The trainer fixes the batch sizes
 * (`batchSizes(n, batchSize, dropLast)`: full batches, then the remainder) so every order takes
 * the same number of steps per epoch and step-based schedules (one-cycle's `totalSteps`) agree.
 * All randomness comes from the `rng` in the context, split off the trainer's seeded `Rng`.
 *
 * @module
 */
import { ValueError, type Rng, type Tensor } from '@descent/tensor';
import { registry, type KindRegistry } from '../registry.js';
import type { PluginState, Targets } from '../plugin_types.js';

/** What an order is told when it plans one epoch.
 * @example
 * ```ts
 * const ctx: OrderContext = { n: 100, batchSizes: batchSizes(100, 32), epoch: 0, step: 0, totalSteps: 40, rng: new Rng(0) };
 * ```
 */
export interface OrderContext {
  /** Number of training samples. */
  readonly n: number;
  /** The size of each batch of the epoch, in order (their count is the steps per epoch). */
  readonly batchSizes: readonly number[];
  /** 0-based epoch being planned. */
  readonly epoch: number;
  /** Global step of the epoch's first batch. */
  readonly step: number;
  /** Steps of the whole run (epochs × steps per epoch). */
  readonly totalSteps: number;
  /** The order's own generator (its state is saved in checkpoints). */
  readonly rng: Rng;
}

/** What {@link DataOrder.init} receives once, before the first epoch.
 * @example
 * ```ts
 * order.init?.({ x, y, n: 100, totalSteps: 40, rng: new Rng(0) });
 * ```
 */
export interface OrderInitContext {
  /** The training inputs (first axis = samples). */
  readonly x: Tensor;
  /** The training targets, one per sample. */
  readonly y: Targets;
  /** Number of training samples. */
  readonly n: number;
  /** Steps of the whole run (epochs × steps per epoch). */
  readonly totalSteps: number;
  /** The order's own generator, split off the trainer's seeded `Rng`. */
  readonly rng: Rng;
}

/**
 * A data-order plugin (`sequential`, `shuffle`, `curriculum`, or your own).
 *
 * @example
 * ```ts
 * // reverse order, every epoch
 * const reverse: DataOrder = {
 *   name: 'reverse',
 *   batches: ({ n, batchSizes }) => splitIntoBatches(Int32Array.from({ length: n }, (_, i) => n - 1 - i), batchSizes),
 * };
 * new Trainer({ ...config, order: reverse });
 * ```
 */
export interface DataOrder {
  /** Registry name. */
  readonly name: string;
  /** Called once per `fit` before the first epoch (e.g. to rank samples by difficulty). */
  init?(ctx: OrderInitContext): void;
  /** The index batches of one epoch; `result[i].length === ctx.batchSizes[i]`. */
  batches(ctx: OrderContext): Int32Array[];
  /** The fraction of the training set available at a global step (curriculum pacing; 1 when absent). */
  fractionAt?(step: number): number;
  /** Saved state for checkpoints (anything the order keeps besides `ctx.rng`; a generator it holds
   * as a property is saved without it). */
  state?(): PluginState;
  /** Restore {@link DataOrder.state}; throw StateError when malformed. */
  loadState?(state: PluginState): void;
}

/** The order view of the plugin registry (kind `'order'`).
 * @example
 * ```ts
 * orders.names(); // ['curriculum', 'sequential', 'shuffle']
 * const order = orders.create('curriculum', { difficulty: scores, pacing: 'root' });
 * ```
 */
export const orders: KindRegistry<DataOrder> = registry.kind<DataOrder>('order');

/** Whether a value is a {@link DataOrder} instance.
 * @example
 * ```ts
 * isDataOrder(orders.create('shuffle')); // true
 * ```
 */
export function isDataOrder(value: unknown): value is DataOrder {
  const v = value as Partial<DataOrder> | null;
  return v !== null && typeof v === 'object' && typeof v.name === 'string' && typeof v.batches === 'function';
}

/**
 * The batch sizes of one epoch: `floor(n / batchSize)` full batches, then the remainder unless
 * `dropLast` (PyTorch DataLoader's `drop_last`).
 * @throws ValueError when `n` or `batchSize` is not a positive integer, or `batchSize > n`.
 * @example
 * ```ts
 * batchSizes(10, 4);        // [4, 4, 2]
 * batchSizes(10, 4, true);  // [4, 4]
 * ```
 */
export function batchSizes(n: number, batchSize: number, dropLast = false): number[] {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(`batchSizes: n must be a positive integer, but got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0 || batchSize > n) {
    throw new ValueError(`batchSizes: batchSize must be an integer in [1, ${n}], but got ${batchSize}`);
  }
  const full = Math.floor(n / batchSize);
  const sizes = new Array<number>(full).fill(batchSize);
  const rest = n - full * batchSize;
  if (rest > 0 && !dropLast) sizes.push(rest);
  return sizes;
}

/** Cut an index sequence into consecutive batches of the given sizes.
 * @throws ValueError when the sizes need more indices than given.
 * @example
 * ```ts
 * splitIntoBatches(Int32Array.of(3, 1, 0, 2), [2, 2]); // [Int32Array [3, 1], Int32Array [0, 2]]
 * ```
 */
export function splitIntoBatches(indices: ArrayLike<number>, sizes: readonly number[]): Int32Array[] {
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
    throw new ValueError(`splitIntoBatches: indices must be an array of sample indices, but got ${indices === null ? 'null' : typeof indices}`);
  }
  if (!Array.isArray(sizes) || !sizes.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new ValueError(`splitIntoBatches: sizes must be an array of non-negative integers, but got ${JSON.stringify(sizes) ?? String(sizes)}`);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > indices.length) throw new ValueError(`splitIntoBatches: the batch sizes need ${total} indices, but got ${indices.length}`);
  const out: Int32Array[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(Int32Array.from({ length: s }, (_, i) => indices[at + i]!));
    at += s;
  }
  return out;
}
