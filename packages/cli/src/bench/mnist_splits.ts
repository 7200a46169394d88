/**
 * The MNIST splits of the benchmark's digit workloads (`mlp-mnist`, `cnn-mnist`): the 10,000
 * digits of the `mnist` package permuted once by `splitSeed`; the last 2000 hold the test digits,
 * the 8000 before them the validation digits (at their end) and the training digits (from their start).
 * @module
 */
import { ValueError } from '@descent/tensor';
import { loadMnist } from '../data/mnist.js';
import { takeRows } from '../data/rows.js';
import type { LabelledData } from '../data/types.js';
import type { ClassifierSplits } from './classifier.js';

/** Digits before the test pool. */
export const MNIST_POOL = 8000;
/** Digits of the test pool. */
export const MNIST_TEST_POOL = 2000;

/** Sizes and seed of {@link mnistSplits}.
 * @example
 * ```ts
 * const s: MnistSplitSizes = { trainSize: 3000, valSize: 1000, testSize: 2000, splitSeed: 0 };
 * ```
 */
export interface MnistSplitSizes {
  /** Training digits (trainSize + valSize ≤ 8000). */
  readonly trainSize: number;
  /** Validation digits, carved from the training pool. */
  readonly valSize: number;
  /** Test digits, the first of the test pool (≤ 2000). */
  readonly testSize: number;
  /** Seed of the one permutation. */
  readonly splitSeed: number;
  /** Images `[n, 1, 28, 28]` instead of rows `[n, 784]`. */
  readonly images?: boolean;
}

const cache = new Map<string, ClassifierSplits>();

/**
 * The splits (kept for later runs of the same sizes in this thread).
 * @throws ValueError when the sizes do not fit the pools.
 * @example
 * ```ts
 * mnistSplits({ trainSize: 3000, valSize: 1000, testSize: 2000, splitSeed: 0 }).val.y.length; // 1000
 * ```
 */
export function mnistSplits(s: MnistSplitSizes): ClassifierSplits {
  if (s.trainSize + s.valSize > MNIST_POOL || s.testSize > MNIST_TEST_POOL) {
    throw new ValueError(`mnistSplits: trainSize + valSize must be at most ${MNIST_POOL} and testSize at most ${MNIST_TEST_POOL}, but got ${s.trainSize} + ${s.valSize} and ${s.testSize}`);
  }
  const key = `${s.splitSeed} ${s.trainSize} ${s.valSize} ${s.testSize} ${s.images === true}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const all = loadMnist({ trainSize: MNIST_POOL, testSize: MNIST_TEST_POOL, seed: s.splitSeed });
  const shape = (d: LabelledData): LabelledData => (s.images ? { x: d.x.reshape([d.y.length, 1, 28, 28]), y: d.y } : d);
  const value: ClassifierSplits = {
    train: shape(takeRows(all.train, 0, s.trainSize)),
    val: shape(takeRows(all.train, MNIST_POOL - s.valSize, s.valSize)),
    test: shape(s.testSize === MNIST_TEST_POOL ? all.test : takeRows(all.test, 0, s.testSize)),
  };
  cache.set(key, value);
  return value;
}
