import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, schedulers, takeInitialLr, nonNegativeInt } from './types.js';

/** Options of {@link constantLR}.
 * @example
 * ```ts
 * const o: ConstantOptions = { factor: 0.5, totalIters: 4 };
 * ```
 */
export interface ConstantOptions {
  /** The lr is `baseLr·factor` for the first `totalIters` steps, then `baseLr`. In [0, 1]. */
  factor: number;
  /** How many steps use the reduced lr (an integer ≥ 0). */
  totalIters: number;
}

/** Defaults of `constant`: a truly constant lr (factor 1). Set `factor`/`totalIters` for PyTorch's
 * ConstantLR, whose own defaults are 1/3 and 5.
 * @example
 * ```ts
 * constantDefaults.factor; // 1
 * ```
 */
export const constantDefaults: ConstantOptions = { factor: 1, totalIters: 0 };

/**
 * A constant learning rate, optionally scaled by `factor` for the first `totalIters` steps
 * (PyTorch's ConstantLR): `lr(t) = baseLr·(factor + (t ≥ totalIters)·(1 − factor))`.
 *
 * @example
 * ```ts
 * constantLR(0.1).lr(100); // 0.1
 * constantLR(0.1, { factor: 0.5, totalIters: 2 }).lr(1); // 0.05
 * ```
 */
export function constantLR(baseLr: number, options: Partial<ConstantOptions> = {}): ConstantScheduler {
  return new ConstantScheduler(baseLr, options);
}

/** The scheduler returned by {@link constantLR}.
 * @example
 * ```ts
 * new ConstantScheduler(0.1).lr(3); // 0.1
 * ```
 */
export class ConstantScheduler extends StatelessScheduler {
  readonly name = 'constant';
  private readonly factor: number;
  private readonly totalIters: number;
  constructor(baseLr: number, options: Partial<ConstantOptions> = {}) {
    const o = resolveOptions('constant', constantDefaults, options, { factor: rules.inRange(0, 1, true), totalIters: nonNegativeInt });
    super(checkLr('constant', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.factor = o.factor;
    this.totalIters = o.totalIters;
  }
  /** `baseLr·(factor + (step ≥ totalIters)·(1 − factor))`. */
  lr(step: number): number {
    checkStep(this.name, step);
    return this.baseLr * (this.factor + (step >= this.totalIters ? 1 : 0) * (1 - this.factor));
  }
}

schedulers.register<ConstantOptions>({
  name: 'constant',
  description: 'constant lr (optionally × factor for the first totalIters steps, PyTorch ConstantLR)',
  defaults: constantDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('constant', options, true);
    return constantLR(lr!, rest);
  },
});
