import { ValueError } from '@descent/tensor';
import { resolveOptions, rules, type OptionRule } from '../options.js';
import { StatelessScheduler, bool, checkLr, checkStep, describe, finite, required, schedulers, takeInitialLr } from './types.js';

/** Options of {@link oneCycleLR} (PyTorch OneCycleLR; Smith & Topin 2017).
 * @example
 * ```ts
 * const o: Partial<OneCycleOptions> = { maxLr: 0.1, totalSteps: 1000, annealStrategy: 'linear', threePhase: true };
 * ```
 */
export interface OneCycleOptions {
  /** Peak lr (> 0; required). */
  maxLr: number;
  /** Length of the cycle in steps (a positive integer). Required unless `epochs` and `stepsPerEpoch` are given. */
  totalSteps: number | null;
  /** With `stepsPerEpoch`, gives `totalSteps = epochs·stepsPerEpoch` when `totalSteps` is null. */
  epochs: number | null;
  /** See `epochs`. */
  stepsPerEpoch: number | null;
  /** Fraction of the cycle spent raising the lr, in [0, 1] (default 0.3). */
  pctStart: number;
  /** `cos` (default) or `linear` interpolation within each phase. */
  annealStrategy: 'cos' | 'linear';
  /** Cycle momentum / β₁ inversely to the lr (default true). */
  cycleMomentum: boolean;
  /** Momentum at the lr peak (default 0.85). */
  baseMomentum: number;
  /** Momentum at the start and end (default 0.95). */
  maxMomentum: number;
  /** Initial lr = maxLr/divFactor (default 25). */
  divFactor: number;
  /** Final lr = initial lr/finalDivFactor (default 1e4). */
  finalDivFactor: number;
  /** Three phases (up, symmetric down to the initial lr, then annihilation) instead of two (default false). */
  threePhase: boolean;
}

/** Defaults of `onecycle` (PyTorch's; `maxLr` and `totalSteps` have none).
 * @example
 * ```ts
 * oneCycleDefaults.pctStart; // 0.3
 * ```
 */
export const oneCycleDefaults: OneCycleOptions = {
  maxLr: undefined as unknown as number,
  totalSteps: null,
  epochs: null,
  stepsPerEpoch: null,
  pctStart: 0.3,
  annealStrategy: 'cos',
  cycleMomentum: true,
  baseMomentum: 0.85,
  maxMomentum: 0.95,
  divFactor: 25,
  finalDivFactor: 1e4,
  threePhase: false,
};

/** One phase of the cycle: it ends at step `end` and goes from `startLr` to `endLr`. */
interface Phase {
  end: number;
  startLr: number;
  endLr: number;
  startMomentum: number;
  endMomentum: number;
}

const posIntOrNull: OptionRule = (v) => (v === null ? null : rules.positiveInt(v, {}));
const maxMomentumRule: OptionRule = (v, all) => {
  const p = finite(v, all);
  if (p) return p;
  return (v as number) >= (all.baseMomentum as number) ? null : `must be ≥ baseMomentum (${describe(all.baseMomentum)})`;
};

/** Cosine interpolation from `start` (pct 0) to `end` (pct 1), PyTorch's `_annealing_cos`. */
function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

/** Linear interpolation, PyTorch's `_annealing_linear`. */
function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * The one-cycle policy, PyTorch's OneCycleLR. With `T = totalSteps`, `initial = maxLr/divFactor`,
 * `min = initial/finalDivFactor`, the phases end at steps
 * - two-phase: `pctStart·T − 1` (initial → maxLr), `T − 1` (maxLr → min);
 * - three-phase: `pctStart·T − 1` (initial → maxLr), `2·pctStart·T − 2` (maxLr → initial), `T − 1` (initial → min);
 *
 * and step `s` uses the first phase with `s ≤ end` (else the last), at `pct = (s − start)/(end − start)`,
 * interpolated by `cos` (`end + (start − end)/2·(cos(π·pct) + 1)`) or `linear`. Momentum runs
 * maxMomentum → baseMomentum → maxMomentum (→ maxMomentum). Steps `0…T` exist; a later step
 * throws a ValueError, as PyTorch's `step()` does. The optimizer's lr is not used.
 *
 * Paper: https://arxiv.org/abs/1708.07120
 * @throws ValueError for bad options, and when a phase that step 0 uses has zero length (PyTorch's ZeroDivisionError).
 * @example
 * ```ts
 * const s = oneCycleLR(0.1, { maxLr: 0.1, totalSteps: 40 });
 * s.lr(0); // 0.004 (= 0.1/25)
 * s.lr(11); // 0.1 (the end of the first phase, 0.3·40 − 1)
 * s.lr(41); // ValueError
 * ```
 */
export function oneCycleLR(baseLr: number | undefined, options: Partial<OneCycleOptions>): OneCycleScheduler {
  return new OneCycleScheduler(baseLr, options);
}

/** The scheduler returned by {@link oneCycleLR}.
 * @example
 * ```ts
 * new OneCycleScheduler(undefined, { maxLr: 1, totalSteps: 10 }).totalSteps; // 10
 * ```
 */
export class OneCycleScheduler extends StatelessScheduler {
  readonly name = 'onecycle';
  /** Length of the cycle; `lr(s)` exists for `s ≤ totalSteps`. */
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly o: OneCycleOptions;
  constructor(initialLr: number | undefined, options: Partial<OneCycleOptions>) {
    const o = resolveOptions('onecycle', oneCycleDefaults, options, {
      maxLr: required(rules.positive),
      totalSteps: posIntOrNull,
      epochs: posIntOrNull,
      stepsPerEpoch: posIntOrNull,
      pctStart: rules.inRange(0, 1, true),
      annealStrategy: rules.oneOf('cos', 'linear'),
      cycleMomentum: bool,
      baseMomentum: rules.nonNegative,
      maxMomentum: maxMomentumRule,
      divFactor: rules.positive,
      finalDivFactor: rules.positive,
      threePhase: bool,
    });
    let total: number;
    if (o.totalSteps !== null) total = o.totalSteps;
    else if (o.epochs !== null && o.stepsPerEpoch !== null) total = o.epochs * o.stepsPerEpoch;
    else {
      throw new ValueError(`onecycle: option 'totalSteps' is required (a positive integer), or both 'epochs' and 'stepsPerEpoch', but got totalSteps ${describe(options.totalSteps)}`);
    }
    const initial = o.maxLr / o.divFactor;
    super(initialLr === undefined ? initial : checkLr('onecycle', 'baseLr', initialLr), o as unknown as Record<string, unknown>);
    this.o = o;
    this.totalSteps = total;
    const minLr = initial / o.finalDivFactor;
    const { maxLr, baseMomentum: bm, maxMomentum: mm, pctStart: p } = o;
    this.phases = o.threePhase
      ? [
          { end: p * total - 1, startLr: initial, endLr: maxLr, startMomentum: mm, endMomentum: bm },
          { end: 2 * p * total - 2, startLr: maxLr, endLr: initial, startMomentum: bm, endMomentum: mm },
          { end: total - 1, startLr: initial, endLr: minLr, startMomentum: mm, endMomentum: mm },
        ]
      : [
          { end: p * total - 1, startLr: initial, endLr: maxLr, startMomentum: mm, endMomentum: bm },
          { end: total - 1, startLr: maxLr, endLr: minLr, startMomentum: bm, endMomentum: mm },
        ];
    // NOTE: PyTorch computes step 0 in its constructor, so a zero-length phase there fails at construction.
    this.at(0);
  }

  /** The phase and position `pct` of `step`, PyTorch's `get_lr` loop. */
  private at(step: number): { phase: Phase; pct: number } {
    checkStep(this.name, step);
    if (step > this.totalSteps) {
      throw new ValueError(
        `onecycle: Tried to step ${step} times. The specified number of total steps is ${this.totalSteps} ` +
          `(lr(step) exists for steps 0…${this.totalSteps}; raise totalSteps to train longer)`,
      );
    }
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i]!;
      if (step <= phase.end || i === this.phases.length - 1) {
        const span = phase.end - start;
        if (span === 0) {
          throw new ValueError(
            `onecycle: phase ${i + 1} of the cycle has zero length (it starts and ends at step ${start}), so step ${step} divides by zero as in PyTorch; ` +
              `change pctStart (${this.o.pctStart}) or totalSteps (${this.totalSteps})`,
          );
        }
        return { phase, pct: (step - start) / span };
      }
      start = phase.end;
    }
    throw new Error('unreachable');
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.o.annealStrategy === 'cos' ? annealCos(start, end, pct) : annealLinear(start, end, pct);
  }

  /** The lr at `step` (0 ≤ step ≤ totalSteps). */
  lr(step: number): number {
    const { phase, pct } = this.at(step);
    return this.anneal(phase.startLr, phase.endLr, pct);
  }

  /** The momentum (or β₁) at `step`, cycled inversely to the lr; null when `cycleMomentum` is false. */
  momentum(step: number): number | null {
    const { phase, pct } = this.at(step);
    if (!this.o.cycleMomentum) return null;
    return this.anneal(phase.startMomentum, phase.endMomentum, pct);
  }
}

schedulers.register<OneCycleOptions>({
  name: 'onecycle',
  description: 'one-cycle policy: warm up to maxLr, then anneal far below the start (PyTorch OneCycleLR)',
  defaults: oneCycleDefaults,
  create: (options) => {
    const [lr, rest] = takeInitialLr('onecycle', options, false);
    return oneCycleLR(lr, rest);
  },
});
