/**
 * The shared core of Schedule-Free SGD and AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled &
 * Cutkosky, "The Road Less Scheduled", NeurIPS 2024, https://arxiv.org/abs/2405.15682): the
 * y/z/x iterates, the warm-up and averaging weights, and the train/eval parameter switch.
 *
 * Training evaluates gradients at y; the point to evaluate the model at is the average x. The
 * parameters hold y while training; `Optimizer.evalMode()` (called by the Trainer before every
 * evaluation and checkpoint) sets them to x = lerp(y, z, 1 − 1/β) and `trainMode()` restores y.
 *
 * @module
 */
import { StateError, type Tensor, type TypedArray } from '@descent/tensor';
import { torchLerp } from './numeric.js';
import type { ModeSwitch, OptimizerPlugin } from './types.js';

/** State of the Schedule-Free optimizers.
 * @example
 * ```ts
 * const s: ScheduleFreeState = { k: 0, lrMax: -1, weightSum: 0, z: [new Float64Array(2)], v: null, trainValues: null };
 * ```
 */
export interface ScheduleFreeState {
  /** Steps taken. */ k: number;
  /** Largest (warmed-up) lr so far. */ lrMax: number;
  /** Σ of the averaging weights cₜ's numerators. */ weightSum: number;
  /** z: the base (SGD / Adam) sequence, one per parameter (starts at θ₀). */ z: TypedArray[];
  /** AdamW only: the second moment v; null for SGD. */ v: TypedArray[] | null;
  /** While in evaluation mode: the training values y to restore; null in training mode. */ trainValues: TypedArray[] | null;
}

/** The options both Schedule-Free optimizers share.
 * @example
 * ```ts
 * const o: ScheduleFreeCommon = { lr: 1, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 };
 * ```
 */
export interface ScheduleFreeCommon {
  /** The base lr γ (warmed up linearly over warmupSteps). */ lr: number;
  /** Weight decay λ, applied to the gradient at y; default 0. */ weightDecay: number;
  /** Linear warm-up steps; default 0. */ warmupSteps: number;
  /** Polynomial weighting power r of the average (weight (k+1)^r γ_max^p); default 0. */ r: number;
  /** Power p of the lr in the averaging weights; default 2. */ weightLrPower: number;
}

/**
 * One Schedule-Free step (the reference's in-place form, computing y without x):
 * ```
 * γₖ = γ·min(1, (k+1)/warmup) ;  γ_max = max(γ_max, γₖ) ;  wₖ = (k+1)^r γ_max^p ;  c = wₖ / Σw
 * ĝ = normalize(g) + λ y
 * y ← lerp(y, z, c) + γₖ (β(1 − c) − 1) ĝ ;   z ← z − γₖ ĝ
 * ```
 * `normalize(j, i, g, k)` is the identity for SGD and Adam's g / (√(v/(1 − β₂ᵏ⁺¹)) + ε) for AdamW
 * (it updates v). Returns the updates y_new − y and the state.
 * @throws StateError when called in evaluation mode (call `trainMode()` first), before any change.
 * @example
 * ```ts
 * scheduleFreeStep(grads, state, params, ctx.lr, 0.9, o, (_j, _i, g) => g);
 * ```
 */
export function scheduleFreeStep(
  grads: readonly TypedArray[], state: ScheduleFreeState, params: readonly Tensor[], lrBase: number, beta: number,
  o: ScheduleFreeCommon, normalize: (j: number, i: number, g: number, k: number) => number, name: string,
): { updates: TypedArray[]; state: ScheduleFreeState } {
  if (state.trainValues !== null) throw new StateError(`${name}: step() in evaluation mode; call trainMode() before training (the parameters hold the averaged x, not y)`);
  const k = state.k;
  const sched = k < o.warmupSteps ? (k + 1) / o.warmupSteps : 1;
  const lr = lrBase * sched;
  const lrMax = Math.max(lr, state.lrMax);
  const weight = (k + 1) ** o.r * lrMax ** o.weightLrPower;
  const weightSum = state.weightSum + weight;
  const ckp1 = weightSum !== 0 ? weight / weightSum : 0;
  const updates = params.map((p, j) => {
    const y = p.buffer(), g = grads[j]!, z = state.z[j]!;
    const u = p.dtype === 'float64' ? new Float64Array(y.length) : new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) {
      let gn = normalize(j, i, g[i]!, k);
      if (o.weightDecay !== 0) gn = gn + o.weightDecay * y[i]!;
      let yi = torchLerp(y[i]!, z[i]!, ckp1);
      yi = yi + lr * (beta * (1 - ckp1) - 1) * gn;
      z[i] = z[i]! - lr * gn;
      u[i] = yi - y[i]!;
    }
    return u;
  });
  return { updates, state: { ...state, k: k + 1, lrMax, weightSum } };
}

/**
 * The train/eval switch of a Schedule-Free plugin with momentum/β₁ `betaOf(options)`:
 * `evalParams` sets the parameters to x = lerp(y, z, 1 − 1/β) and keeps y in the state;
 * `trainParams` restores that y bit for bit.
 * @example
 * ```ts
 * const { evalParams, trainParams } = scheduleFreeModes((o: { momentum: number }) => o.momentum);
 * ```
 */
export function scheduleFreeModes<O>(betaOf: (o: O) => number): Required<Pick<OptimizerPlugin<O & { lr: number }, ScheduleFreeState>, 'evalParams' | 'trainParams'>> {
  return {
    evalParams(state, params, options): ModeSwitch<ScheduleFreeState> | null {
      if (state.trainValues !== null) return null;
      const w = 1 - 1 / betaOf(options);
      const trainValues = params.map((p) => p.buffer().slice());
      const values = params.map((p, j) => {
        const y = trainValues[j]!, z = state.z[j]!, x = y.slice();
        for (let i = 0; i < x.length; i++) x[i] = torchLerp(y[i]!, z[i]!, w);
        return x;
      });
      return { values, state: { ...state, trainValues } };
    },
    trainParams(state): ModeSwitch<ScheduleFreeState> | null {
      if (state.trainValues === null) return null;
      return { values: state.trainValues, state: { ...state, trainValues: null } };
    },
  };
}
