import { ValueError } from '@descent/tensor';
import { resolveOptions } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, describe, schedulers, takeInitialLr } from './types.js';

/** Options of {@link lambdaLR} and {@link multiplicativeLR}.
 * @example
 * ```ts
 * const o: LambdaOptions = { lrLambda: (t) => 0.95 ** t };
 * ```
 */
export interface LambdaOptions {
  /** The factor as a function of the 0-based step (required; must return a finite number ≥ 0). */
  lrLambda: (step: number) => number;
}

/** Defaults of `lambda` and `multiplicative` (`lrLambda` is required).
 * @example
 * ```ts
 * 'lrLambda' in lambdaDefaults; // true
 * ```
 */
export const lambdaDefaults: LambdaOptions = { lrLambda: undefined as unknown as (step: number) => number };

const isFunction = (v: unknown) => (typeof v === 'function' ? null : 'must be a function (step) => factor (it is required)');

function factor(owner: string, fn: (step: number) => number, step: number): number {
  const f = fn(step);
  if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) throw new ValueError(`${owner}: option 'lrLambda' must return a finite number ≥ 0, but returned ${describe(f)} at step ${step}`);
  return f;
}

/**
 * `lr(t) = baseLr·lrLambda(t)` (PyTorch LambdaLR).
 * @example
 * ```ts
 * lambdaLR(0.1, { lrLambda: (t) => 1 / (1 + t) }).lr(1); // 0.05
 * ```
 */
export function lambdaLR(baseLr: number, options: Partial<LambdaOptions>): LambdaScheduler {
  return new LambdaScheduler(baseLr, options);
}

/** The scheduler returned by {@link lambdaLR}.
 * @example
 * ```ts
 * new LambdaScheduler(1, { lrLambda: () => 0.5 }).lr(7); // 0.5
 * ```
 */
export class LambdaScheduler extends StatelessScheduler {
  readonly name: string = 'lambda';
  /** The factor function `lrLambda`. */
  protected readonly fn: (step: number) => number;
  constructor(baseLr: number, options: Partial<LambdaOptions>, owner = 'lambda') {
    const o = resolveOptions(owner, lambdaDefaults, options, { lrLambda: isFunction });
    super(checkLr(owner, 'baseLr', baseLr), { lrLambda: 'function' });
    this.fn = o.lrLambda;
  }
  /** `baseLr·lrLambda(step)`. */
  lr(step: number): number {
    checkStep(this.name, step);
    return this.baseLr * factor(this.name, this.fn, step);
  }
}

/**
 * `lr(0) = baseLr`, `lr(t) = lr(t − 1)·lrLambda(t)` (PyTorch MultiplicativeLR; the products are
 * kept, so a whole run costs one call of `lrLambda` per step).
 * @example
 * ```ts
 * multiplicativeLR(1, { lrLambda: () => 0.5 }).lr(3); // 0.125
 * ```
 */
export function multiplicativeLR(baseLr: number, options: Partial<LambdaOptions>): MultiplicativeScheduler {
  return new MultiplicativeScheduler(baseLr, options);
}

/** The scheduler returned by {@link multiplicativeLR}.
 * @example
 * ```ts
 * new MultiplicativeScheduler(2, { lrLambda: () => 0.5 }).lr(1); // 1
 * ```
 */
export class MultiplicativeScheduler extends LambdaScheduler {
  override readonly name: string = 'multiplicative';
  private readonly lrs: number[];
  constructor(baseLr: number, options: Partial<LambdaOptions>) {
    super(baseLr, options, 'multiplicative');
    this.lrs = [this.baseLr];
  }
  /** `baseLr·Π_{k=1..step} lrLambda(k)`. */
  override lr(step: number): number {
    checkStep(this.name, step);
    while (this.lrs.length <= step) {
      const k = this.lrs.length;
      this.lrs.push(this.lrs[k - 1]! * factor(this.name, this.fn, k));
    }
    return this.lrs[step]!;
  }
}

schedulers.register<LambdaOptions>({
  name: 'lambda',
  description: 'lr = baseLr · lrLambda(step) for a function you give (PyTorch LambdaLR)',
  defaults: lambdaDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('lambda', options, true);
    return lambdaLR(lr!, rest);
  },
});

schedulers.register<LambdaOptions>({
  name: 'multiplicative',
  description: 'lr multiplied by lrLambda(step) at every step (PyTorch MultiplicativeLR)',
  defaults: lambdaDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('multiplicative', options, true);
    return multiplicativeLR(lr!, rest);
  },
});
