/**
 * Workload `transformer-modadd`: a one-layer Transformer ({@link TinyTransformer}) learns
 * `a + b mod p` from the sequence `a b =`. The p² problems are shuffled with the run's seed and
 * split into training, validation and test problems, so seeds vary the data as well as the
 * initial weights; training is full-batch (every step sees every training problem), so there is
 * no data order, and the model has no dropout (it keeps the short budgets from fitting at all).
 * Validation and test accuracy measure generalisation to unseen pairs, which on this task comes
 * late ("grokking") and depends on the optimizer and on weight decay.
 * @module
 */
import { Rng } from '@descent/tensor';
import { trainClassifier, type ClassifierSplits } from '../bench/classifier.js';
import { modularAddition } from '../data/modular_addition.js';
import { takeRows } from '../data/rows.js';
import { TinyTransformer } from '../models/tiny_transformer.js';
import { registerPresetWorkload, type PresetName, type WorkloadConfig } from './registry.js';

/** The settings of `transformer-modadd` (every field is part of the cache key).
 * @example
 * ```ts
 * const s: TransformerModaddSettings = TRANSFORMER_MODADD_PRESETS.quick.settings;
 * ```
 */
export type TransformerModaddSettings = {
  /** The modulus: p² problems, p classes. */
  readonly p: number;
  /** Fraction of the problems used for training; the rest is halved into validation and test problems. */
  readonly trainFraction: number;
  /** Model width. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nHead: number;
  /** Feed-forward width. */
  readonly dimFeedforward: number;
  /** Validation passes per epoch (an epoch is one full-batch step: 0.25 is every 4 steps). */
  readonly evalsPerEpoch: number;
};

const settings = (p: number, dModel: number, nHead: number): TransformerModaddSettings => ({ p, trainFraction: 0.8, dModel, nHead, dimFeedforward: 2 * dModel, evalsPerEpoch: 0.25 });

/** `transformer-modadd` in each preset: the budget is full-batch steps (`epochs`). The quick one
 * (p = 11: 97 training, 12 validation, 12 test problems; 80 steps) is too short for full
 * generalisation, so its target is 50% validation accuracy (chance: 1/11); the full one trains
 * 300 steps on p = 17 towards 60% (Adam and AdamW at lr 0.1 reached 66% at seed 0).
 * @example
 * ```ts
 * TRANSFORMER_MODADD_PRESETS.quick.budget.epochs; // 80
 * ```
 */
export const TRANSFORMER_MODADD_PRESETS: Readonly<Record<PresetName, WorkloadConfig & { settings: TransformerModaddSettings }>> = {
  smoke: { settings: settings(7, 16, 2), budget: { epochs: 5 }, target: { metric: 'valAcc', goal: 'max', value: 0.2 }, schedule: 'warmup-cosine', selectBy: 'valAcc' },
  quick: { settings: settings(11, 32, 4), budget: { epochs: 80 }, target: { metric: 'valAcc', goal: 'max', value: 0.5 }, schedule: 'warmup-cosine', selectBy: 'valAcc' },
  full: { settings: settings(17, 32, 4), budget: { epochs: 300 }, target: { metric: 'valAcc', goal: 'max', value: 0.6 }, schedule: 'warmup-cosine', selectBy: 'valAcc' },
};

/** The run's problems, split: shuffled by the second generator split off `Rng(seed)` (the first draws the initial weights). */
function splits(s: TransformerModaddSettings, seed: number): ClassifierSplits {
  const root = new Rng(seed);
  root.split();
  const all = modularAddition(s.p, root.split());
  const n = all.y.length;
  const train = Math.round(n * s.trainFraction);
  const val = Math.round((n - train) / 2);
  return { train: takeRows(all, 0, train), val: takeRows(all, train, val), test: takeRows(all, train + val, n - train - val) };
}

registerPresetWorkload<TransformerModaddSettings>({
  name: 'transformer-modadd',
  title: 'Tiny Transformer on a + b mod p',
  task: 'classification',
  presets: TRANSFORMER_MODADD_PRESETS,
  describe(s, config) {
    const n = s.p * s.p, train = Math.round(n * s.trainFraction), val = Math.round((n - train) / 2);
    return `The ${n} problems "a b =" → a + b mod ${s.p}, shuffled with the run's seed: ${train} for training, ${val} for validation, ${n - train - val} for test (unseen pairs). `
      + `Model: token and position embeddings (d = ${s.dModel}), one pre-norm Transformer encoder layer (${s.nHead} heads, feed-forward ${s.dimFeedforward}, no dropout), LayerNorm, linear read-out of the last position. `
      + `${config.budget.epochs} full-batch steps, validation every ${Math.round(1 / s.evalsPerEpoch)}. Learning rate chosen by final validation accuracy (a model that has learnt nothing has the lowest validation loss here). Target: validation accuracy ≥ ${(config.target.value * 100).toFixed(0)}%.`;
  },
  run(s, spec) {
    const data = splits(s, spec.seed);
    return trainClassifier(spec, {
      data,
      buildModel: (rng) => new TinyTransformer({ vocabSize: s.p + 1, seqLength: 3, classes: s.p, dModel: s.dModel, nHead: s.nHead, dimFeedforward: s.dimFeedforward, rng }),
      batchSize: data.train.y.length,
      evalsPerEpoch: s.evalsPerEpoch,
    });
  },
});
