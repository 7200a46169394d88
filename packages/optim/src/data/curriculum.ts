/**
 * Curriculum learning (Bengio, Louradour, Collobert & Weston, ICML 2009,
 * https://dl.acm.org/doi/10.1145/1553374.1553380): present easy samples first and grow the set
 * the batches are drawn from, following a pacing function (Hacohen & Weinshall, ICML 2019,
 * https://arxiv.org/abs/1904.03626; Platanios et al., NAACL 2019, https://arxiv.org/abs/1903.09848).
 *
 * Samples are ranked once by a difficulty score (ties broken at random from the seeded
 * generator). At global step `t` the pool is the `m(t)` easiest samples, with
 * `m(t) = max(⌈f(t)·n⌉, batch size)` and `f` the pacing function:
 *
 * ```
 * linear: f(t) = min(1, c₀ + (1 − c₀)·t/T)
 * root:   f(t) = min(1, √(c₀² + (1 − c₀²)·t/T))          (Platanios' "competence")
 * step:   f(t) = min(1, c₀ + (1 − c₀)·⌊t/(T/K)⌋/K)         (baby steps: K equal increments)
 * ```
 * with `c₀ = startFraction`, `T = rampSteps` (default: half of the run) and `K = stages`.
 * Within the pool, batches are drawn at random without replacement: each epoch starts a pass over
 * the pool, samples that become available join the pass, and when the pass runs out a new one
 * begins. Once the pool is the whole set, an epoch is a random permutation, as with `shuffle`.
 * `anti: true` ranks hard → easy instead (anti-curriculum).
 *
 * @module
 */
import { ConfigError, Tensor, ValueError, crossEntropy, mean, noGrad, square, sub } from '@descent/tensor';
import { formatValue, resolveOptions, rules } from '../options.js';
import { callModel } from '../model.js';
import type { Targets, TrainableModel } from '../plugin_types.js';
import { orders, type DataOrder, type OrderContext, type OrderInitContext } from './types.js';

/** A difficulty score per sample, computed from the training data when training starts.
 * @example
 * ```ts
 * const byNorm: DifficultyFunction = ({ x }) => (x.toArray() as number[][]).map((r) => Math.hypot(...r));
 * ```
 */
export type DifficultyFunction = (data: { x: Tensor; y: Targets }) => ArrayLike<number>;

/** A custom pacing function: the available fraction of the data at global step `t` of `totalSteps`.
 * @example
 * ```ts
 * const exp: PacingFunction = (t) => Math.min(1, 0.1 * 2 ** Math.floor(t / 50));
 * ```
 */
export type PacingFunction = (step: number, totalSteps: number) => number;

/** The built-in pacing functions.
 * @example
 * ```ts
 * const p: PacingName = 'root';
 * ```
 */
export type PacingName = 'linear' | 'root' | 'step';

/** Options of {@link curriculumOrder} (registered as `curriculum`).
 * @example
 * ```ts
 * const o: CurriculumOptions = { difficulty: scores, pacing: 'linear', startFraction: 0.2, rampSteps: null, stages: 4, anti: false };
 * ```
 */
export interface CurriculumOptions {
  /** A score per sample (higher = harder), or a function computing them from the data (required). */
  difficulty: ArrayLike<number> | DifficultyFunction | null;
  /** How the available fraction grows: `linear`, `root`, `step`, or a function (default `linear`). */
  pacing: PacingName | PacingFunction;
  /** Fraction c₀ of the (easiest) data available at step 0, in (0, 1] (default 0.2). */
  startFraction: number;
  /** Steps T until the whole set is available; null (default) = half of the run's steps. */
  rampSteps: number | null;
  /** Number of increments K of the `step` pacing (default 4). */
  stages: number;
  /** Order hard → easy instead (default false). */
  anti: boolean;
}

/** Defaults of `curriculum`.
 * @example
 * ```ts
 * curriculumDefaults.startFraction; // 0.2
 * ```
 */
export const curriculumDefaults: CurriculumOptions = { difficulty: null, pacing: 'linear', startFraction: 0.2, rampSteps: null, stages: 4, anti: false };

/**
 * The fraction of the data a pacing function makes available at global step `step`.
 * @example
 * ```ts
 * pacingFraction('linear', 50, { startFraction: 0.2, rampSteps: 100, stages: 4 }); // 0.6
 * pacingFraction('root', 0, { startFraction: 0.2, rampSteps: 100, stages: 4 });    // 0.2
 * pacingFraction('step', 30, { startFraction: 0.2, rampSteps: 100, stages: 4 });   // 0.4
 * ```
 */
export function pacingFraction(pacing: PacingName, step: number, o: { startFraction: number; rampSteps: number; stages: number }): number {
  const c0 = o.startFraction;
  const T = o.rampSteps;
  if (step >= T) return 1;
  const p = step / T;
  switch (pacing) {
    case 'linear': return Math.min(1, c0 + (1 - c0) * p);
    case 'root': return Math.min(1, Math.sqrt(c0 * c0 + (1 - c0 * c0) * p));
    case 'step': return Math.min(1, c0 + ((1 - c0) * Math.floor(p * o.stages + 1e-12)) / o.stages);
    default: throw new ValueError(`curriculum: pacing must be 'linear', 'root', 'step' or a function, but got ${String(pacing)}`);
  }
}

/**
 * The curriculum order: easy samples first, the available pool growing by a pacing function.
 * Registered as `curriculum`. See the module description for the exact rule.
 *
 * @throws ConfigError / ValueError for bad options; at `init`, ValueError when the difficulty
 * scores are not one finite number per sample.
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   model, loss: 'crossEntropy', optimizer: { name: 'sgd', options: { lr: 0.1 } },
 *   order: { name: 'curriculum', options: { difficulty: margins, pacing: 'root', startFraction: 0.1 } },
 *   batchSize: 16, epochs: 10, seed: 0,
 * });
 * ```
 */
export function curriculumOrder(options: Partial<CurriculumOptions>): CurriculumOrder {
  return new CurriculumOrder(options);
}

/** The order returned by {@link curriculumOrder}.
 * @example
 * ```ts
 * const order = new CurriculumOrder({ difficulty: [3, 1, 2], startFraction: 0.5 });
 * ```
 */
export class CurriculumOrder implements DataOrder {
  readonly name = 'curriculum';
  /** The resolved options. */
  readonly options: Readonly<CurriculumOptions>;
  private ranks: Int32Array | null = null;
  private n = 0;
  private rampSteps = 1;
  private totalSteps = 1;

  constructor(options: Partial<CurriculumOptions>) {
    const { pacing, difficulty, ...rest } = options ?? {};
    if (typeof pacing !== 'function' && pacing !== undefined && !['linear', 'root', 'step'].includes(pacing as string)) {
      throw new ValueError(`curriculum: option 'pacing' must be 'linear', 'root', 'step' or a function (step, totalSteps) => fraction, but got ${formatValue(pacing)}`);
    }
    if (difficulty === undefined || difficulty === null) {
      throw new ConfigError("curriculum: option 'difficulty' is required: one score per sample (higher = harder), or a function ({ x, y }) => scores");
    }
    if (typeof difficulty !== 'function' && !(Array.isArray(difficulty) || ArrayBuffer.isView(difficulty))) {
      throw new ConfigError(`curriculum: option 'difficulty' must be an array of scores or a function, but got ${typeof difficulty}`);
    }
    const { difficulty: _d, pacing: _p, ...restDefaults } = curriculumDefaults;
    const o = resolveOptions('curriculum', restDefaults, rest, {
      startFraction: rules.inOpenClosed(0, 1),
      rampSteps: (v) => (v === null || (Number.isInteger(v) && (v as number) > 0) ? null : 'must be a positive integer or null'),
      stages: rules.positiveInt,
    });
    this.options = { ...o, pacing: pacing ?? 'linear', difficulty };
  }

  /** Rank the samples by difficulty (ties broken at random) and fix the ramp length. */
  init({ x, y, n, totalSteps, rng }: OrderInitContext): void {
    const d = this.options.difficulty!;
    const scores = typeof d === 'function' ? d({ x, y }) : d;
    if (!scores || typeof scores.length !== 'number' || scores.length !== n) {
      throw new ValueError(`curriculum: difficulty must give one score per sample (${n}), but got ${scores && typeof scores.length === 'number' ? scores.length : String(scores)}`);
    }
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      if (typeof s !== 'number' || Number.isNaN(s)) throw new ValueError(`curriculum: difficulty[${i}] must be a number, but got ${String(s)}`);
      keys[i] = rng.uniform(); // NOTE: random tie-breaks, drawn for every sample so the stream does not depend on the scores
    }
    const sign = this.options.anti ? -1 : 1;
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => sign * (scores[a]! - scores[b]!) || keys[a]! - keys[b]!);
    this.ranks = Int32Array.from(idx);
    this.n = n;
    this.rampSteps = this.options.rampSteps ?? Math.max(1, Math.round(totalSteps / 2));
    this.totalSteps = totalSteps;
  }

  /** The sample indices from easiest to hardest (hardest first with `anti`), after `init`.
   * @example
   * ```ts
   * order.ranking(); // Int32Array [1, 2, 0] for difficulty [3, 1, 2]
   * ```
   */
  ranking(): Int32Array {
    if (!this.ranks) throw new ValueError('curriculum: ranking() is available after init (the trainer calls it when fit starts)');
    return this.ranks.slice();
  }

  /** The available fraction f(t) of the data at global step `step`. */
  fractionAt(step: number): number {
    const p = this.options.pacing;
    const f = typeof p === 'function'
      ? p(step, this.totalSteps)
      : pacingFraction(p, step, { startFraction: this.options.startFraction, rampSteps: this.rampSteps, stages: this.options.stages });
    if (typeof f !== 'number' || Number.isNaN(f)) throw new ValueError(`curriculum: the pacing function returned ${String(f)} at step ${step}; it must return a fraction in (0, 1]`);
    return Math.min(1, Math.max(0, f));
  }

  /** The pool size m(t) for a batch of `size` at global step `step`.
   * @example
   * ```ts
   * order.poolSize(0, 10); // ⌈c₀·n⌉, at least 10
   * ```
   */
  poolSize(step: number, size: number): number {
    return Math.min(this.n, Math.max(Math.ceil(this.fractionAt(step) * this.n - 1e-9), size, 1));
  }

  /** One epoch of batches drawn from the growing pool (see the module description). */
  batches({ batchSizes, step, rng, n }: OrderContext): Int32Array[] {
    if (!this.ranks || n !== this.n) throw new ValueError(`curriculum: init must run on the same data first (ranked ${this.n} samples, asked for ${n})`);
    const ranks = this.ranks;
    const out: Int32Array[] = [];
    let added = 0; // the pool's first `added` ranks have joined this epoch's pass
    let unused: number[] = [];
    batchSizes.forEach((size, b) => {
      const m = Math.max(added, this.poolSize(step + b, size));
      while (added < m) unused.push(ranks[added++]!);
      const batch = new Int32Array(size);
      const taken = new Set<number>();
      for (let k = 0; k < size; k++) {
        if (unused.length === 0) {
          // NOTE: the pass is exhausted: start a new one over the pool, minus this batch's samples.
          unused = [];
          for (let r = 0; r < added; r++) if (!taken.has(ranks[r]!)) unused.push(ranks[r]!);
        }
        const j = rng.int(unused.length);
        const s = unused[j]!;
        unused[j] = unused[unused.length - 1]!;
        unused.pop();
        batch[k] = s;
        taken.add(s);
      }
      out.push(batch);
    });
    return out;
  }
}

/**
 * A {@link DifficultyFunction} scoring each sample by the loss of a reference model (Hacohen &
 * Weinshall's "transfer scoring"; Bengio et al. used a simpler model's error). Default per-sample
 * loss: cross-entropy for class-index targets, mean squared error per row for tensor targets.
 * @example
 * ```ts
 * const order = { name: 'curriculum', options: { difficulty: difficultyFromLoss(teacher) } };
 * ```
 */
export function difficultyFromLoss(reference: TrainableModel, perSampleLoss?: (prediction: Tensor, target: Targets) => Tensor): DifficultyFunction {
  return ({ x, y }) => noGrad(() => {
    const wasTraining = (reference as { training?: boolean }).training;
    reference.eval?.();
    try {
      const pred = callModel(reference, x);
      let losses: Tensor;
      if (perSampleLoss) losses = perSampleLoss(pred, y);
      else if (y instanceof Tensor) {
        const d = square(sub(pred, y));
        losses = d.rank > 1 ? mean(d, Array.from({ length: d.rank - 1 }, (_, i) => i + 1)) : d;
      } else losses = crossEntropy(pred, y, { reduction: 'none' });
      return Array.from(losses.data());
    } finally {
      if (wasTraining) reference.train?.(true);
    }
  });
}

orders.register<CurriculumOptions>({
  name: 'curriculum',
  description: 'easy → hard by a difficulty score, the available pool growing by a pacing function (linear, root, step)',
  defaults: curriculumDefaults,
  create: (options) => curriculumOrder(options),
});
