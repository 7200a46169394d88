import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link exponentialLR} (PyTorch ExponentialLR).
 * @example
 * ```ts
 * const o: ExponentialOptions = { gamma: 0.95 };
 * ```
 */
export interface ExponentialOptions {
  /** Multiplicative decay per step (> 0; required). */
  gamma: number;
}

/** Defaults of `exponential` (PyTorch has none: `gamma` is required).
 * @example
 * ```ts
 * 'gamma' in exponentialDefaults; // true
 * ```
 */
export const exponentialDefaults: ExponentialOptions = { gamma: undefined as unknown as number };

/**
 * Exponential decay: `lr(t) = baseLr·gamma^t` (PyTorch ExponentialLR).
 *
 * @example
 * ```ts
 * exponentialLR(0.1, { gamma: 0.9 }).lr(2); // 0.081
 * ```
 */
export function exponentialLR(baseLr: number, options: Partial<ExponentialOptions>): ExponentialScheduler {
  return new ExponentialScheduler(baseLr, options);
}

/** The scheduler returned by {@link exponentialLR}.
 * @example
 * ```ts
 * new ExponentialScheduler(1, { gamma: 0.5 }).lr(3); // 0.125
 * ```
 */
export class ExponentialScheduler extends StatelessScheduler {
  readonly name = 'exponential';
  private readonly gamma: number;
  constructor(baseLr: number, options: Partial<ExponentialOptions>) {
    const o = resolveOptions('exponential', exponentialDefaults, options, { gamma: required(rules.positive) });
    super(checkLr('exponential', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.gamma = o.gamma;
  }
  /** `baseLr·gamma^step`. */
  lr(step: number): number {
    checkStep(this.name, step);
    return this.baseLr * this.gamma ** step;
  }
}

schedulers.register<ExponentialOptions>({
  name: 'exponential',
  description: 'multiply the lr by gamma every step (PyTorch ExponentialLR)',
  defaults: exponentialDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('exponential', options, true);
    return exponentialLR(lr!, rest);
  },
});
