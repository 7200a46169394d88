import { ValueError } from '@descent/tensor';
import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, describe, nonNegativeInt, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link swaLR} (PyTorch `torch.optim.swa_utils.SWALR`).
 * @example
 * ```ts
 * const o: SwaLrOptions = { swaLr: 0.05, annealEpochs: 5, annealStrategy: 'linear', interval: 'epoch' };
 * ```
 */
export interface SwaLrOptions {
  /** The learning rate annealed to and then held (≥ 0; required: PyTorch's `swa_lr`). */
  swaLr: number;
  /** Scheduler steps (epochs with `interval: 'epoch'`) of the anneal (integer ≥ 0; default 10; 0 = `swaLr` at once). */
  annealEpochs: number;
  /** Shape of the anneal: `'cos'` (default) or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** What the anneal counts: `'step'` (default; the optimizer step, as every schedule and the
   * golden traces) or `'epoch'` (the epoch the trainer passes, as SWALR stepped once per epoch). */
  interval: 'step' | 'epoch';
}

/** Defaults of `swalr` (PyTorch's; `swaLr` has none).
 * @example
 * ```ts
 * swaLrDefaults.annealEpochs; // 10
 * ```
 */
export const swaLrDefaults: SwaLrOptions = { swaLr: undefined as unknown as number, annealEpochs: 10, annealStrategy: 'cos', interval: 'step' };

/**
 * The SWA learning-rate schedule, PyTorch's SWALR: anneal from the optimizer's lr `b` to `swaLr`
 * over `annealEpochs` steps, then hold `swaLr` (Izmailov et al. 2018). With
 * `α(t) = f(min(1, t/max(1, A)))`, `f(p) = (1 − cos πp)/2` ('cos') or `p` ('linear'):
 * `lr(t) = swaLr·α(t) + b·(1 − α(t))` (with `A = 0`, `swaLr` from step 0).
 * Like PyTorch (whose values the golden traces `sched-swalr*` hold) it is computed by PyTorch's
 * recursive form, which recovers `b` from the previous step's lr and reproduces its rounding:
 * `lr(t) = swaLr·α(t) + (1 − α(t))·(lr(t−1) − α(t−1)·swaLr)/(1 − α(t−1))` (`swaLr` once `α(t−1) = 1`).
 * PyTorch anneals from whatever lr the optimizer has when SWALR takes over; here from `b`, so
 * after another schedule in `sequential`, pass an instance made with the lr that schedule reached.
 *
 * @example
 * ```ts
 * const s = swaLR(0.1, { swaLr: 0.02, annealEpochs: 4, annealStrategy: 'linear' });
 * s.lr(2); // 0.06 (to rounding)
 * s.lr(9); // 0.02
 * ```
 */
export function swaLR(baseLr: number, options: Partial<SwaLrOptions>): SwaLrScheduler {
  return new SwaLrScheduler(baseLr, options);
}

/** The scheduler returned by {@link swaLR}.
 * @example
 * ```ts
 * new SwaLrScheduler(1, { swaLr: 0, annealEpochs: 0 }).lr(0); // 0
 * ```
 */
export class SwaLrScheduler extends StatelessScheduler {
  readonly name = 'swalr';
  private readonly o: SwaLrOptions;
  /** `lr(t)` for `t = 0 … ` as far as asked; from `annealEpochs` on it is `swaLr`. */
  private readonly values: number[] = [];

  constructor(baseLr: number, options: Partial<SwaLrOptions>) {
    const o = resolveOptions('swalr', swaLrDefaults, options, {
      swaLr: required(rules.nonNegative), annealEpochs: nonNegativeInt,
      annealStrategy: rules.oneOf('cos', 'linear'), interval: rules.oneOf('step', 'epoch'),
    });
    super(checkLr('swalr', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.o = o;
  }

  /** The anneal factor after `t` scheduler steps (PyTorch's `anneal_func(t / max(1, anneal_epochs))`, clamped to [0, 1]). */
  private alpha(t: number): number {
    const p = Math.max(0, Math.min(1, t / Math.max(1, this.o.annealEpochs)));
    return this.o.annealStrategy === 'cos' ? (1 - Math.cos(Math.PI * p)) / 2 : p;
  }

  /** PyTorch's `get_lr` after `t` scheduler steps, from the lr of the step before (`previous`). */
  private next(t: number, previous: number): number {
    const step = this.o.annealEpochs === 0 ? Math.max(1, t) : t;
    const prevAlpha = this.alpha(step - 1);
    const start = prevAlpha === 1 ? this.o.swaLr : (previous - prevAlpha * this.o.swaLr) / (1 - prevAlpha);
    const alpha = this.alpha(step);
    return this.o.swaLr * alpha + start * (1 - alpha);
  }

  /** The lr after `step` scheduler steps, or after `epoch` of them with `interval: 'epoch'`. */
  lr(step: number, epoch?: number): number {
    checkStep(this.name, step);
    let t = step;
    if (this.o.interval === 'epoch') {
      if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
        throw new ValueError(`swalr: with interval 'epoch', lr(step, epoch) needs the epoch (an integer ≥ 0), but got ${describe(epoch)}`);
      }
      t = epoch;
    }
    // NOTE: from annealEpochs on, α(t) = α(t − 1) = 1 (A > 0) or α(t) = 1 with A = 0: exactly swaLr.
    const last = Math.min(t, Math.max(this.o.annealEpochs, 1));
    while (this.values.length <= last) {
      const i = this.values.length;
      this.values.push(this.next(i, i === 0 ? this.baseLr : this.values[i - 1]!));
    }
    return t > last ? this.o.swaLr : this.values[t]!;
  }
}

schedulers.register<SwaLrOptions>({
  name: 'swalr',
  description: 'anneal to swaLr over annealEpochs steps (cos or linear), then hold it (PyTorch SWALR)',
  defaults: swaLrDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('swalr', options, true);
    return swaLR(lr!, rest);
  },
});
