import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, schedulers, takeInitialLr } from './types.js';

/** Options of {@link linearLR} (PyTorch LinearLR, the usual linear warm-up).
 * @example
 * ```ts
 * const o: LinearOptions = { startFactor: 0.1, endFactor: 1, totalIters: 8 };
 * ```
 */
export interface LinearOptions {
  /** Factor of the lr at step 0, in (0, 1] (default 1/3). */
  startFactor: number;
  /** Factor reached at step `totalIters` and kept after, in [0, 1] (default 1). */
  endFactor: number;
  /** Steps of the ramp (a positive integer; default 5). */
  totalIters: number;
}

/** Defaults of `linear` (PyTorch's).
 * @example
 * ```ts
 * linearDefaults.totalIters; // 5
 * ```
 */
export const linearDefaults: LinearOptions = { startFactor: 1 / 3, endFactor: 1, totalIters: 5 };

/**
 * Linear warm-up (or decay) of the lr factor:
 * `lr(t) = baseLr·(startFactor + (endFactor − startFactor)·min(t, totalIters)/totalIters)`
 * (PyTorch LinearLR; its chainable form equals this to rounding).
 *
 * @example
 * ```ts
 * const s = linearLR(0.1, { startFactor: 0.1, totalIters: 8 });
 * s.lr(0); // 0.01
 * s.lr(8); // 0.1
 * ```
 */
export function linearLR(baseLr: number, options: Partial<LinearOptions> = {}): LinearScheduler {
  return new LinearScheduler(baseLr, options);
}

/** The scheduler returned by {@link linearLR}.
 * @example
 * ```ts
 * new LinearScheduler(1, { startFactor: 0.5, totalIters: 2 }).lr(1); // 0.75
 * ```
 */
export class LinearScheduler extends StatelessScheduler {
  readonly name = 'linear';
  private readonly o: LinearOptions;
  constructor(baseLr: number, options: Partial<LinearOptions> = {}) {
    const o = resolveOptions('linear', linearDefaults, options, {
      startFactor: rules.inOpenClosed(0, 1),
      endFactor: rules.inRange(0, 1, true),
      totalIters: rules.positiveInt,
    });
    super(checkLr('linear', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.o = o;
  }
  /** `baseLr·(startFactor + (endFactor − startFactor)·min(totalIters, step)/totalIters)`. */
  lr(step: number): number {
    checkStep(this.name, step);
    const { startFactor: s, endFactor: e, totalIters: n } = this.o;
    // NOTE: clamped at 0: with endFactor 0 the factor can round to about −1e-17 at totalIters.
    return Math.max(0, this.baseLr * (s + ((e - s) * Math.min(n, step)) / n));
  }
}

schedulers.register<LinearOptions>({
  name: 'linear',
  description: 'linear warm-up of the lr factor from startFactor to endFactor over totalIters steps (PyTorch LinearLR)',
  defaults: linearDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('linear', options, true);
    return linearLR(lr!, rest);
  },
});
