import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link stepLR} (PyTorch StepLR).
 * @example
 * ```ts
 * const o: StepOptions = { stepSize: 30, gamma: 0.1 };
 * ```
 */
export interface StepOptions {
  /** Period of the decay, in steps (a positive integer; required). */
  stepSize: number;
  /** Multiplicative decay factor (> 0; default 0.1). */
  gamma: number;
}

/** Defaults of `step` (PyTorch's; `stepSize` has none).
 * @example
 * ```ts
 * stepDefaults.gamma; // 0.1
 * ```
 */
export const stepDefaults: StepOptions = { stepSize: undefined as unknown as number, gamma: 0.1 };

/**
 * Step decay: `lr(t) = baseLr·gamma^⌊t / stepSize⌋` (PyTorch StepLR; its chainable form equals this).
 *
 * @example
 * ```ts
 * const s = stepLR(0.1, { stepSize: 7, gamma: 0.5 });
 * s.lr(6); // 0.1
 * s.lr(7); // 0.05
 * ```
 */
export function stepLR(baseLr: number, options: Partial<StepOptions>): StepScheduler {
  return new StepScheduler(baseLr, options);
}

/** The scheduler returned by {@link stepLR}.
 * @example
 * ```ts
 * new StepScheduler(0.1, { stepSize: 2 }).lr(2); // 0.01
 * ```
 */
export class StepScheduler extends StatelessScheduler {
  readonly name = 'step';
  private readonly stepSize: number;
  private readonly gamma: number;
  constructor(baseLr: number, options: Partial<StepOptions>) {
    const o = resolveOptions('step', stepDefaults, options, { stepSize: required(rules.positiveInt), gamma: rules.positive });
    super(checkLr('step', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma;
  }
  /** `baseLr·gamma^⌊step/stepSize⌋`. */
  lr(step: number): number {
    checkStep(this.name, step);
    return this.baseLr * this.gamma ** Math.floor(step / this.stepSize);
  }
}

schedulers.register<StepOptions>({
  name: 'step',
  description: 'multiply the lr by gamma every stepSize steps (PyTorch StepLR)',
  defaults: stepDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('step', options, true);
    return stepLR(lr!, rest);
  },
});
