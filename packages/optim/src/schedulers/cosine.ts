import { resolveOptions, rules } from '../options.js';
import { StatelessScheduler, checkLr, checkStep, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link cosineAnnealingLR} (PyTorch CosineAnnealingLR).
 * @example
 * ```ts
 * const o: CosineOptions = { tMax: 100, etaMin: 1e-4 };
 * ```
 */
export interface CosineOptions {
  /** Half-period in steps (> 0; required). */
  tMax: number;
  /** Minimum lr (≥ 0; default 0). */
  etaMin: number;
}

/** Defaults of `cosine` (PyTorch's; `tMax` has none).
 * @example
 * ```ts
 * cosineDefaults.etaMin; // 0
 * ```
 */
export const cosineDefaults: CosineOptions = { tMax: undefined as unknown as number, etaMin: 0 };

/** Every `CHECKPOINT`-th value of the recursion is kept, so `lr(t)` costs at most that many steps. */
const CHECKPOINT = 64;

/**
 * Cosine annealing without restarts. Up to `tMax` it is
 * `lr(t) = etaMin + (baseLr − etaMin)·(1 + cos(π·t/tMax))/2`; like PyTorch (whose values the golden
 * traces hold) it is computed by PyTorch's recursive form, which keeps going after `tMax`
 * (the lr climbs back up, period 2·tMax) and reproduces PyTorch's rounding exactly:
 * `lr(t) = etaMin + (lr(t−1) − etaMin)·(1 + cos(πt/tMax))/(1 + cos(π(t−1)/tMax))`, and
 * `lr(t) = lr(t−1) + (baseLr − etaMin)·(1 − cos(π/tMax))/2` when `(t − 1 − tMax) mod 2tMax = 0`.
 *
 * @example
 * ```ts
 * const s = cosineAnnealingLR(0.1, { tMax: 20, etaMin: 0.001 });
 * s.lr(10); // 0.0505
 * s.lr(20); // 0.001
 * ```
 */
export function cosineAnnealingLR(baseLr: number, options: Partial<CosineOptions>): CosineScheduler {
  return new CosineScheduler(baseLr, options);
}

/** The scheduler returned by {@link cosineAnnealingLR}.
 * @example
 * ```ts
 * new CosineScheduler(1, { tMax: 2 }).lr(1); // 0.5 (to rounding)
 * ```
 */
export class CosineScheduler extends StatelessScheduler {
  readonly name = 'cosine';
  private readonly tMax: number;
  private readonly etaMin: number;
  private readonly checkpoints: number[];
  private lastStep = 0;
  private lastLr: number;
  constructor(baseLr: number, options: Partial<CosineOptions>) {
    const o = resolveOptions('cosine', cosineDefaults, options, { tMax: required(rules.positive), etaMin: rules.nonNegative });
    super(checkLr('cosine', 'baseLr', baseLr), o as unknown as Record<string, unknown>);
    this.tMax = o.tMax;
    this.etaMin = o.etaMin;
    this.checkpoints = [this.baseLr];
    this.lastLr = this.baseLr;
  }

  /** The closed form `etaMin + (baseLr − etaMin)·(1 + cos(π·step/tMax))/2` (equal to {@link CosineScheduler.lr} up to rounding). */
  closedForm(step: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * step) / this.tMax))) / 2;
  }

  /** PyTorch's recursive value at `step`. */
  lr(step: number): number {
    checkStep(this.name, step);
    // NOTE: sequential access (the trainer, scheduleSeries) continues from the last value.
    let t: number;
    let lr: number;
    if (step >= this.lastStep && step - this.lastStep < CHECKPOINT) {
      t = this.lastStep;
      lr = this.lastLr;
    } else {
      const k = Math.min(Math.floor(step / CHECKPOINT), this.checkpoints.length - 1);
      t = k * CHECKPOINT;
      lr = this.checkpoints[k]!;
    }
    while (t < step) {
      lr = this.next(t + 1, lr);
      t++;
      if (t % CHECKPOINT === 0 && t / CHECKPOINT === this.checkpoints.length) this.checkpoints.push(lr);
    }
    this.lastStep = step;
    this.lastLr = lr;
    // NOTE: the exact value lies between etaMin and the base lr, both ≥ 0; the recursion can round
    // to a tiny negative number (e.g. −2e-17 from a base lr of 0 with etaMin > 0), which an
    // optimizer rejects. The recursion keeps the unrounded value, as PyTorch does.
    return lr < 0 ? 0 : lr;
  }

  /** One step of PyTorch 1.13's `CosineAnnealingLR.get_lr`, from `prev` = lr(t − 1). */
  private next(t: number, prev: number): number {
    const T = this.tMax;
    const e = this.etaMin;
    if ((t - 1 - T) % (2 * T) === 0) return prev + ((this.baseLr - e) * (1 - Math.cos(Math.PI / T))) / 2;
    const den = 1 + Math.cos((Math.PI * (t - 1)) / T);
    // NOTE: only a non-integer tMax can land on cos = −1 outside the branch above; PyTorch then raises
    // ZeroDivisionError, we continue with the closed form instead.
    if (den === 0) return this.closedForm(t);
    return ((1 + Math.cos((Math.PI * t) / T)) / den) * (prev - e) + e;
  }
}

schedulers.register<CosineOptions>({
  name: 'cosine',
  description: 'cosine annealing from the base lr to etaMin over tMax steps (PyTorch CosineAnnealingLR, recursive form)',
  defaults: cosineDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('cosine', options, true);
    return cosineAnnealingLR(lr!, rest);
  },
});
