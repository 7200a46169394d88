import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, schedulers, takeInitialLr } from './types.js';

/** Options of {@link polynomialLR} (PyTorch PolynomialLR).
 * @example
 * ```ts
 * const o: PolynomialOptions = { totalIters: 100, power: 2 };
 * ```
 */
export interface PolynomialOptions {
  /** Steps until the lr reaches 0 (a positive integer; default 5, PyTorch's). */
  totalIters: number;
  /** Power of the decay (≥ 0; default 1, linear). */
  power: number;
}

/** Defaults of `polynomial` (PyTorch's).
 * @example
 * ```ts
 * polynomialDefaults.power; // 1
 * ```
 */
export const polynomialDefaults: PolynomialOptions = { totalIters: 5, power: 1 };

/**
 * Polynomial decay to 0: `lr(t) = baseLr·(1 − min(t, totalIters)/totalIters)^power` (PyTorch
 * PolynomialLR's closed form; its chainable form equals it to rounding).
 *
 * @example
 * ```ts
 * polynomialLR(0.1, { totalIters: 4, power: 2 }).lr(2); // 0.025
 * ```
 */
export function polynomialLR(baseLr: number, options: Partial<PolynomialOptions> = {}): PolynomialScheduler {
  return new PolynomialScheduler(baseLr, options);
}

/** The scheduler returned by {@link polynomialLR}.
 * @example
 * ```ts
 * new PolynomialScheduler(1, { totalIters: 2 }).lr(1); // 0.5
 * ```
 */
export class PolynomialScheduler extends StatelessScheduler {
  readonly name = 'polynomial';
  private readonly o: PolynomialOptions;
  constructor(baseLr: number, options: Partial<PolynomialOptions> = {}) {
    const o = resolveOptions('polynomial', polynomialDefaults, options, { totalIters: rules.positiveInt, power: rules.nonNegative });
    super(checkLr('polynomial', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.o = o;
  }
  /** `baseLr·(1 − min(step, totalIters)/totalIters)^power`. */
  lr(step: number): number {
    checkStep(this.name, step);
    return this.baseLr * (1 - Math.min(this.o.totalIters, step) / this.o.totalIters) ** this.o.power;
  }
}

schedulers.register<PolynomialOptions>({
  name: 'polynomial',
  description: 'polynomial decay to 0 over totalIters steps (PyTorch PolynomialLR)',
  defaults: polynomialDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('polynomial', options, true);
    return polynomialLR(lr!, rest);
  },
});
