import { resolveOptions, rules, type OptionRule } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link multiStepLR} (PyTorch MultiStepLR).
 * @example
 * ```ts
 * const o: MultiStepOptions = { milestones: [30, 80], gamma: 0.1 };
 * ```
 */
export interface MultiStepOptions {
  /** Steps at which the lr is multiplied by gamma (integers ≥ 0; a repeated milestone multiplies again; required). */
  milestones: number[];
  /** Multiplicative decay factor (> 0; default 0.1). */
  gamma: number;
}

/** Defaults of `multistep` (PyTorch's; `milestones` has none).
 * @example
 * ```ts
 * multiStepDefaults.gamma; // 0.1
 * ```
 */
export const multiStepDefaults: MultiStepOptions = { milestones: undefined as unknown as number[], gamma: 0.1 };

const milestoneList: OptionRule = (v) =>
  Array.isArray(v) && v.every((m) => Number.isInteger(m) && m >= 0) ? null : 'must be a list of integers ≥ 0';

/**
 * Multi-step decay: `lr(t) = baseLr·gamma^(number of milestones ≤ t)` (PyTorch MultiStepLR,
 * whose chainable form equals this; milestones are counted with multiplicity, in any order).
 *
 * @example
 * ```ts
 * const s = multiStepLR(1, { milestones: [2, 5], gamma: 0.1 });
 * [0, 1, 2, 4, 5].map((t) => s.lr(t)); // [1, 1, 0.1, 0.1, 0.01]
 * ```
 */
export function multiStepLR(baseLr: number, options: Partial<MultiStepOptions>): MultiStepScheduler {
  return new MultiStepScheduler(baseLr, options);
}

/** The scheduler returned by {@link multiStepLR}.
 * @example
 * ```ts
 * new MultiStepScheduler(1, { milestones: [1] }).lr(1); // 0.1
 * ```
 */
export class MultiStepScheduler extends StatelessScheduler {
  readonly name = 'multistep';
  private readonly milestones: number[];
  private readonly gamma: number;
  constructor(baseLr: number, options: Partial<MultiStepOptions>) {
    const o = resolveOptions('multistep', multiStepDefaults, options, { milestones: required(milestoneList), gamma: rules.positive });
    super(checkLr('multistep', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.milestones = [...o.milestones].sort((a, b) => a - b);
    this.gamma = o.gamma;
  }
  /** `baseLr·gamma^bisect_right(sorted milestones, step)`. */
  lr(step: number): number {
    checkStep(this.name, step);
    let k = 0;
    while (k < this.milestones.length && this.milestones[k]! <= step) k++;
    return this.baseLr * this.gamma ** k;
  }
}

schedulers.register<MultiStepOptions>({
  name: 'multistep',
  description: 'multiply the lr by gamma at each milestone step (PyTorch MultiStepLR)',
  defaults: multiStepDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('multistep', options, true);
    return multiStepLR(lr!, rest);
  },
});
