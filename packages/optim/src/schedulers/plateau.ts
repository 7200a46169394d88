import { StateError, ValueError } from '@descent/tensor';
import { resolveOptions, rules } from '../options.js';
import { checkLr, checkStateObject, describe, schedulers, takeInitialLr, nonNegativeInt, type Scheduler, type SchedulerState } from './types.js';

/** Options of {@link reduceLROnPlateau} (PyTorch ReduceLROnPlateau).
 * @example
 * ```ts
 * const o: Partial<PlateauOptions> = { mode: 'max', factor: 0.5, patience: 2 };
 * ```
 */
export interface PlateauOptions {
  /** `min`: the metric should go down (a loss); `max`: up (an accuracy). Default `min`. */
  mode: 'min' | 'max';
  /** Multiply the lr by this on a plateau, in [0, 1) (default 0.1). */
  factor: number;
  /** Epochs without improvement tolerated before reducing (an integer ≥ 0; default 10). */
  patience: number;
  /** How much better a metric must be to count as an improvement (≥ 0; default 1e-4). */
  threshold: number;
  /** `rel`: better than best·(1 ∓ threshold); `abs`: better than best ∓ threshold (default `rel`). */
  thresholdMode: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted (an integer ≥ 0; default 0). */
  cooldown: number;
  /** Lower bound of the lr (≥ 0; default 0). */
  minLr: number;
  /** A reduction smaller than eps is skipped (≥ 0; default 1e-8). */
  eps: number;
}

/** Defaults of `plateau` (PyTorch's).
 * @example
 * ```ts
 * plateauDefaults.patience; // 10
 * ```
 */
export const plateauDefaults: PlateauOptions = {
  mode: 'min',
  factor: 0.1,
  patience: 10,
  threshold: 1e-4,
  thresholdMode: 'rel',
  cooldown: 0,
  minLr: 0,
  eps: 1e-8,
};

/** The saved state of a {@link PlateauScheduler}. `best` is a number, or `'Infinity'` /
 * `'-Infinity'` spelled out (JSON has no infinities; before the first metric it is the worst value
 * of the mode), so every value survives `JSON.stringify` exactly.
 * @example
 * ```ts
 * const s: PlateauState = { lr: 0.1, best: 0.9, numBadEpochs: 1, cooldownCounter: 0, lastEpoch: 2 };
 * ```
 */
export interface PlateauState extends SchedulerState {
  /** The current learning rate. */
  lr: number;
  /** The best metric so far (the mode's worst, ±Infinity, before the first one). */
  best: number | 'Infinity' | '-Infinity';
  /** Epochs since the last improvement (0 during a cooldown). */
  numBadEpochs: number;
  /** Epochs left in the cooldown after a reduction. */
  cooldownCounter: number;
  /** How many metrics were observed (PyTorch's `last_epoch`). */
  lastEpoch: number;
}

/**
 * Reduce the lr when a metric stops improving, PyTorch's ReduceLROnPlateau. After each
 * `observe(metric)`: an improvement (`metric < best·(1 − threshold)` in min/rel mode,
 * `< best − threshold` in min/abs, `> best·(1 + threshold)` in max/rel, `> best + threshold` in
 * max/abs) resets the count of bad epochs; otherwise it grows; during a cooldown it stays 0. When it
 * exceeds `patience`, `lr ← max(lr·factor, minLr)` (skipped if the change is ≤ eps) and the cooldown
 * starts. The only scheduler with state: `lr()` is the current lr whatever the step.
 *
 * @example
 * ```ts
 * const s = reduceLROnPlateau(0.1, { factor: 0.5, patience: 0 });
 * s.observe(1.0); s.lr(); // 0.1
 * s.observe(1.5); s.lr(); // 0.05
 * ```
 */
export function reduceLROnPlateau(baseLr: number, options: Partial<PlateauOptions> = {}): PlateauScheduler {
  return new PlateauScheduler(baseLr, options);
}

/** The scheduler returned by {@link reduceLROnPlateau}.
 * @example
 * ```ts
 * const s = new PlateauScheduler(0.1, { patience: 0 });
 * s.observe(1); s.observe(2); s.lr(); // 0.01
 * ```
 */
export class PlateauScheduler implements Scheduler {
  readonly name = 'plateau';
  readonly stateful = true;
  readonly baseLr: number;
  readonly options: Readonly<PlateauOptions>;
  private current: number;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private lastEpoch = 0;

  constructor(baseLr: number, options: Partial<PlateauOptions> = {}) {
    this.options = resolveOptions('plateau', plateauDefaults, options, {
      mode: rules.oneOf('min', 'max'),
      factor: rules.inRange(0, 1),
      patience: nonNegativeInt,
      threshold: rules.nonNegative,
      thresholdMode: rules.oneOf('rel', 'abs'),
      cooldown: nonNegativeInt,
      minLr: rules.nonNegative,
      eps: rules.nonNegative,
    });
    this.baseLr = checkLr('plateau', 'baseLr', baseLr);
    this.current = this.baseLr;
    this.best = this.worst();
  }

  private worst(): number {
    return this.options.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` (PyTorch's `is_better`). */
  isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.options;
    if (mode === 'min' && thresholdMode === 'rel') return a < best * (1.0 - threshold);
    if (mode === 'min') return a < best - threshold;
    if (thresholdMode === 'rel') return a > best * (threshold + 1.0);
    return a > best + threshold;
  }

  /** Whether the scheduler is in its cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /**
   * Report the metric of an epoch (PyTorch's `step(metrics)`).
   * @throws ValueError when the metric is not a number (NaN counts as "no improvement", as in PyTorch).
   */
  observe(metric: number, epoch?: number): void {
    if (typeof metric !== 'number') throw new ValueError(`plateau: observe(metric) needs a number, but got ${describe(metric)}`);
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // NOTE: bad epochs during the cooldown are ignored.
    }
    if (this.numBadEpochs > this.options.patience) {
      const old = this.current;
      const next = Math.max(old * this.options.factor, this.options.minLr);
      if (old - next > this.options.eps) this.current = next;
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The current lr (the step and epoch are ignored). */
  lr(_step?: number, _epoch?: number): number {
    return this.current;
  }

  /** `{lr, best, numBadEpochs, cooldownCounter, lastEpoch}`; JSON-able (an infinite `best` spelled `'Infinity'` / `'-Infinity'`). */
  state(): PlateauState {
    return {
      lr: this.current,
      best: Number.isFinite(this.best) ? this.best : (String(this.best) as 'Infinity' | '-Infinity'),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
    };
  }

  /** Restore a state from {@link PlateauScheduler.state}; a malformed one throws StateError and changes nothing. */
  loadState(state: SchedulerState): void {
    const s = checkStateObject('plateau', state);
    const num = (k: string, ok: (v: number) => boolean) => {
      const v = s[k];
      if (typeof v !== 'number' || !ok(v)) throw new StateError(`plateau: loadState: '${k}' is invalid: it must be ${EXPECTED[k]}, but got ${describe(v)} in ${describe(state)}`);
      return v;
    };
    const lr = num('lr', (v) => Number.isFinite(v) && v >= 0);
    const best = s.best === 'Infinity' || s.best === '-Infinity' ? Number(s.best) : num('best', Number.isFinite);
    const bad = num('numBadEpochs', (v) => Number.isInteger(v) && v >= 0);
    const cool = num('cooldownCounter', (v) => Number.isInteger(v) && v >= 0);
    const last = num('lastEpoch', Number.isInteger);
    this.current = lr;
    this.best = best;
    this.numBadEpochs = bad;
    this.cooldownCounter = cool;
    this.lastEpoch = last;
  }
}

/** What each field of a {@link PlateauState} must be, for error messages. */
const EXPECTED: Record<string, string> = {
  lr: 'a finite number ≥ 0',
  best: "a finite number, 'Infinity' or '-Infinity' (null is ambiguous: it could stand for either)",
  numBadEpochs: 'an integer ≥ 0',
  cooldownCounter: 'an integer ≥ 0',
  lastEpoch: 'an integer',
};

schedulers.register<PlateauOptions>({
  name: 'plateau',
  description: 'reduce the lr by factor when a metric stops improving for patience epochs (PyTorch ReduceLROnPlateau)',
  defaults: plateauDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('plateau', options, true);
    return reduceLROnPlateau(lr!, rest);
  },
});
