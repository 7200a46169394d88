import { ValueError } from '@descent/tensor';
import { resolveOptions, rules, type OptionRule } from '../options.js';
import { StatelessScheduler, bool, checkLr, checkStep, describe, finite, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link cyclicLR} (PyTorch CyclicLR; Smith 2017).
 * @example
 * ```ts
 * const o: Partial<CyclicOptions> = { baseLr: 1e-3, maxLr: 1e-2, stepSizeUp: 2000, mode: 'triangular2' };
 * ```
 */
export interface CyclicOptions {
  /** Lower lr of the cycle (default: the optimizer's lr; PyTorch requires it). */
  baseLr: number;
  /** Upper lr of the cycle (≥ baseLr; required). */
  maxLr: number;
  /** Steps of the rising half (> 0; default 2000). */
  stepSizeUp: number;
  /** Steps of the falling half (> 0; default null = stepSizeUp). */
  stepSizeDown: number | null;
  /** `triangular` (constant amplitude), `triangular2` (halved every cycle), `exp_range` (× gamma^step). */
  mode: 'triangular' | 'triangular2' | 'exp_range';
  /** Base of `exp_range`'s scaling gamma^step (> 0; default 1). */
  gamma: number;
  /** A custom amplitude scale `f(x)` in [0, 1]; when set, `mode` is ignored (default null). */
  scaleFn: ((x: number) => number) | null;
  /** What `scaleFn` is evaluated on: the cycle number or the step. Used only with `scaleFn`: the
   * built-in modes fix it as PyTorch does (`cycle` for triangular*, `iterations` for exp_range). */
  scaleMode: 'cycle' | 'iterations';
  /** Cycle the momentum / β₁ inversely to the lr (default true); see {@link CyclicScheduler.momentum}. */
  cycleMomentum: boolean;
  /** Momentum at the lr peak (default 0.8). */
  baseMomentum: number;
  /** Momentum at the lr trough (default 0.9). */
  maxMomentum: number;
}

/** Defaults of `cyclic` (PyTorch's; `maxLr` has none, `baseLr` defaults to the optimizer's lr).
 * @example
 * ```ts
 * cyclicDefaults.stepSizeUp; // 2000
 * ```
 */
export const cyclicDefaults: CyclicOptions = {
  baseLr: undefined as unknown as number,
  maxLr: undefined as unknown as number,
  stepSizeUp: 2000,
  stepSizeDown: null,
  mode: 'triangular',
  gamma: 1,
  scaleFn: null,
  scaleMode: 'cycle',
  cycleMomentum: true,
  baseMomentum: 0.8,
  maxMomentum: 0.9,
};

const lrRule: OptionRule = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'must be a finite number ≥ 0');
const maxLrRule: OptionRule = (v, all) => {
  const p = lrRule(v, all);
  if (p) return p;
  return (v as number) >= (all.baseLr as number) ? null : `must be ≥ baseLr (${describe(all.baseLr)})`;
};
const stepSizeDownRule: OptionRule = (v) => (v === null ? null : rules.positive(v, {}));
const fnOrNull: OptionRule = (v) => (v === null || typeof v === 'function' ? null : 'must be a function of one number or null');
const maxMomentumRule: OptionRule = (v, all) => {
  const p = finite(v, all);
  if (p) return p;
  return (v as number) >= (all.baseMomentum as number) ? null : `must be ≥ baseMomentum (${describe(all.baseMomentum)})`;
};

/**
 * Cyclical learning rate (Smith 2017), PyTorch's CyclicLR. With `N` the step, `total = up + down`:
 * ```
 * cycle = ⌊1 + N/total⌋ ; x = 1 + N/total − cycle
 * scale = x/ratio if x ≤ ratio else (x − 1)/(ratio − 1)      (ratio = up/total)
 * lr = baseLr + (maxLr − baseLr)·scale·f      f = 1 | 1/2^(cycle−1) | gamma^N
 * momentum = maxMomentum − (maxMomentum − baseMomentum)·scale·f
 * ```
 * The optimizer's lr is not used except as the default `baseLr`.
 *
 * Paper: https://arxiv.org/abs/1506.01186
 * @example
 * ```ts
 * const s = cyclicLR(0.1, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 });
 * s.lr(4); // 0.1
 * s.momentum(4); // 0.8
 * ```
 */
export function cyclicLR(baseLr: number | undefined, options: Partial<CyclicOptions>): CyclicScheduler {
  return new CyclicScheduler(baseLr, options);
}

/** The scheduler returned by {@link cyclicLR}.
 * @example
 * ```ts
 * new CyclicScheduler(undefined, { baseLr: 0, maxLr: 1, stepSizeUp: 2 }).lr(1); // 0.5
 * ```
 */
export class CyclicScheduler extends StatelessScheduler {
  readonly name = 'cyclic';
  private readonly o: CyclicOptions;
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly scaleMode: 'cycle' | 'iterations';
  constructor(initialLr: number | undefined, options: Partial<CyclicOptions>) {
    const filled = { ...options };
    if (filled.baseLr === undefined && initialLr !== undefined) filled.baseLr = initialLr;
    const o = resolveOptions('cyclic', cyclicDefaults, filled, {
      baseLr: required(lrRule),
      maxLr: required(maxLrRule),
      stepSizeUp: rules.positive,
      stepSizeDown: stepSizeDownRule,
      mode: rules.oneOf('triangular', 'triangular2', 'exp_range'),
      gamma: rules.positive,
      scaleFn: fnOrNull,
      scaleMode: rules.oneOf('cycle', 'iterations'),
      cycleMomentum: bool,
      baseMomentum: rules.nonNegative,
      maxMomentum: maxMomentumRule,
    });
    super(initialLr === undefined ? o.baseLr : checkLr('cyclic', 'baseLr', initialLr), o as unknown as Record<string, unknown>);
    this.o = o;
    const up = o.stepSizeUp;
    const down = o.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    // NOTE: as in PyTorch, the built-in modes override scaleMode; it only applies to a custom scaleFn.
    this.scaleMode = o.scaleFn !== null ? o.scaleMode : o.mode === 'exp_range' ? 'iterations' : 'cycle';
  }

  /** PyTorch's `scale_factor` and `scale_fn(·)` at `step`. */
  private phase(step: number): { scale: number; f: number } {
    checkStep(this.name, step);
    const cycle = Math.floor(1 + step / this.totalSize);
    const x = 1.0 + step / this.totalSize - cycle;
    const scale = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    return { scale, f: this.scaleFn(this.scaleMode === 'cycle' ? cycle : step) };
  }

  private scaleFn(x: number): number {
    const o = this.o;
    if (o.scaleFn !== null) {
      const f = o.scaleFn(x);
      if (typeof f !== 'number' || !Number.isFinite(f)) throw new ValueError(`cyclic: scaleFn(${x}) must return a finite number, but got ${describe(f)}`);
      return f;
    }
    if (o.mode === 'triangular') return 1.0;
    if (o.mode === 'triangular2') return 1 / 2.0 ** (x - 1);
    return o.gamma ** x;
  }

  /** `baseLr + (maxLr − baseLr)·scale·f`, in PyTorch's order of operations. */
  lr(step: number): number {
    const { scale, f } = this.phase(step);
    const baseHeight = (this.o.maxLr - this.o.baseLr) * scale;
    return this.o.baseLr + baseHeight * f;
  }

  /** The momentum (or β₁) at `step`, `maxMomentum − (maxMomentum − baseMomentum)·scale·f`; null when `cycleMomentum` is false. */
  momentum(step: number): number | null {
    const { scale, f } = this.phase(step);
    if (!this.o.cycleMomentum) return null;
    const baseHeight = (this.o.maxMomentum - this.o.baseMomentum) * scale;
    return this.o.maxMomentum - baseHeight * f;
  }
}

schedulers.register<CyclicOptions>({
  name: 'cyclic',
  description: 'cyclical lr between baseLr and maxLr, triangular | triangular2 | exp_range (PyTorch CyclicLR)',
  defaults: cyclicDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('cyclic', options, false);
    return cyclicLR(lr, rest);
  },
});
