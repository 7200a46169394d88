/**
 * Gradient transforms: the small building blocks the named optimizers are chains of
 * (Optax's `chain(scale_by_adam(), add_decayed_weights(), scale_by_learning_rate())`).
 *
 * A transform reads the incoming direction `src` (the raw gradients for the first transform of a
 * chain, which it must not modify) and writes its output into `dst` (fresh arrays the chain owns;
 * for later transforms `src === dst`, so loops read element `i` before writing it). Each is one
 * fused loop over the Float32Array/Float64Array storage — no per-element allocation. The last
 * transforms of a chain are usually {@link scaleByLr} (`u ← −η·u`) and, for decoupled weight decay,
 * {@link decoupledWeightDecay}; the chain's output is then the delta to add to the parameters.
 *
 * Hyperparameters are baked into a transform when it is built; the per-step inputs (η, t) come
 * in the context. Step-dependent quantities use `ctx.step` (t = 1 at the first step).
 *
 * **Fusion.** A chain plans its passes once, when it is built: a `fusable` transform absorbs a
 * following {@link scaleByLr} (and {@link decoupledWeightDecay}) as an {@link Epilogue}, and a
 * transform that is also `inPlace` absorbs a leading {@link addL2ToGrad} and, in
 * {@link Chain.updateInPlace}, the parameter update itself (`θ ← θ + u`). Adam, AdamW, SGD (with or
 * without momentum, with or without L2), RMSprop and Adagrad then take one pass over the arrays
 * per step and allocate nothing. Fused or not, every value is computed with the same operations in
 * the same order and rounded to the same dtype as the unfused passes, so results are bit-identical.
 *
 * @module
 */
import { allocateLasting, createAdamSimd, type Tensor, type TypedArray } from '@descent/tensor';
import type { OptimizerContext, UpdateResult } from './types.js';

/** The per-step inputs a transform sees.
 * @example
 * ```ts
 * const ctx: TransformContext = { lr: 1e-3, step: 1 };
 * ```
 */
export interface TransformContext {
  /** Learning rate η used at this step. */
  readonly lr: number;
  /** The 1-based step number t (1 at the first step); drives bias corrections. */
  readonly step: number;
}

/**
 * One gradient transform. `key` names its entry in the chain's state (stateless transforms
 * return `undefined` from `init` and get no entry).
 * @example
 * ```ts
 * const negate: Transform<undefined> = {
 *   key: 'negate',
 *   init: () => undefined,
 *   apply(src, dst, state) { src.forEach((s, j) => { for (let i = 0; i < s.length; i++) dst[j]![i] = -s[i]!; }); return state; },
 * };
 * ```
 */
export interface Transform<S = unknown> {
  /** Name of this transform's entry in the chain state; unique within a chain. */
  readonly key: string;
  /** When true the chain skips the transform (e.g. weight decay 0). */
  readonly identity?: boolean;
  /** Set by {@link scaleByLr}: the factor it multiplies by (so a chain can fuse it into the previous loop). */
  readonly lrFactor?: (ctx: TransformContext) => number;
  /** Set by {@link decoupledWeightDecay}: the coefficient c of the `+ c·θ` it adds (fusable likewise). */
  readonly decayFactor?: (ctx: TransformContext) => number;
  /** When true, `apply` honours an {@link Epilogue}, so the chain fuses a following `scaleByLr()`
   * (and `decoupledWeightDecay()` right after it) into this transform's loop: one pass instead of three. */
  readonly fusable?: boolean;
  /** When true (with `fusable`), `apply` also honours the epilogue's `l2` and `target` fields, so a
   * chain fuses a leading `addL2ToGrad()` and the parameter update into this transform's loop
   * ({@link Chain.updateInPlace}: one pass, no update arrays). */
  readonly inPlace?: boolean;
  /** Set by {@link addL2ToGrad} (and {@link addDecayedWeights}): the λ of the `+ λθ` it adds, so a
   * chain can fuse it into the next transform's loop as the epilogue's `l2`. */
  readonly l2Coefficient?: number;
  /** The initial state for these parameters (`undefined` for a stateless transform). */
  init(params: readonly Tensor[]): S;
  /** Write the output for every parameter into `dst` (may alias `src`); return the next state.
   * A fusable transform writes `scale·out + decay·θ` when given an epilogue; an `inPlace` one given
   * an epilogue with `target` adds that into `target` instead and leaves `dst` alone (it may be empty). */
  apply(src: readonly TypedArray[], dst: TypedArray[], state: S, params: readonly Tensor[], ctx: TransformContext, epilogue?: Epilogue): S;
}

/** The fused tail of a chain: the output becomes `scale·out + decay·θ` (the same operations, in the
 * same order, as running `scaleByLr()` and `decoupledWeightDecay()` as separate passes).
 * @example
 * ```ts
 * const e: Epilogue = { scale: -1e-3, decay: -1e-5 };
 * ```
 */
export interface Epilogue {
  /** Factor applied to the transform's output (`−η` from a fused `scaleByLr()`). */
  readonly scale: number;
  /** Coefficient of `θ` added to the output (from a fused `decoupledWeightDecay()`; 0 if none). */
  readonly decay: number;
  /** Only for `inPlace` transforms: λ of a fused leading `addL2ToGrad(λ)`. The transform reads
   * `g + λθ`, rounded to the parameter's dtype (what the separate pass would have stored), instead
   * of `g`. 0 or absent: none. */
  readonly l2?: number;
  /** Only for `inPlace` transforms: the parameters' live storage, one array per parameter. When
   * given, the transform adds its output `u` (rounded to the parameter's dtype, as an update array
   * would hold it) into it, `θᵢ ← θᵢ + uᵢ` — exactly what `applyUpdates` does with the
   * output — instead of writing `dst`. Element i of θ is read (for `decay`, `l2`) before it is written. */
  readonly target?: readonly TypedArray[];
}

/** The state of a chain: one entry per stateful transform, keyed by `Transform.key`.
 * @example
 * ```ts
 * const s: ChainState = { adam: { m: [new Float64Array(3)], v: [new Float64Array(3)] } };
 * ```
 */
export type ChainState = Record<string, unknown>;

/** A chain of transforms as an init/update pair (what a named optimizer's plugin delegates to).
 * @example
 * ```ts
 * const c: Chain = chain(scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLr());
 * ```
 */
export interface Chain {
  /** The initial chain state: each stateful transform's `init`, keyed by its `key`. */
  init(params: readonly Tensor[]): ChainState;
  /** Run the transforms over `grads`; returns the deltas to add to the parameters and the next state. */
  update(grads: readonly TypedArray[], state: ChainState, params: readonly Tensor[], ctx: TransformContext): UpdateResult<ChainState>;
  /** The same step, with the deltas added straight into `targets` (the parameters' live storage,
   * `targets[j]` being `params[j].buffer()` on the CPU backend) instead of returned: the plugin
   * fast path `OptimizerPlugin.updateInPlace`. Bit-identical to `update` followed by adding the
   * updates (`θᵢ ← θᵢ + uᵢ`, as `applyUpdates` does). One fused pass when the chain is a
   * single `inPlace` transform with its `scaleByLr()` (optionally after `addL2ToGrad()` and before
   * `decoupledWeightDecay()`), or `scaleByLr()` alone after an optional `addL2ToGrad()` (plain
   * SGD); otherwise it runs `update` and adds the result. Returns the next state. */
  updateInPlace(grads: readonly TypedArray[], state: ChainState, params: readonly Tensor[], ctx: TransformContext, targets: readonly TypedArray[]): ChainState;
}

/** A zero-filled typed array of a parameter's dtype and size.
 * @example
 * ```ts
 * zeroBuffer(tensor([1, 2], { dtype: 'float64' })); // Float64Array [0, 0]
 * ```
 */
export function zeroBuffer(p: Tensor): TypedArray {
  return p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size);
}

/** A zero-filled moment buffer for a parameter: float32 ones from `allocateLasting` (in the tensor heap
 * where they fit, so the SIMD update works on them in place), float64 ones ordinary arrays.
 * @example
 * ```ts
 * momentBuffer(tensor([1, 2])); // Float32Array [0, 0]
 * ```
 */
export function momentBuffer(p: Tensor): TypedArray {
  return p.dtype === 'float32' ? allocateLasting('float32', p.size) : zeroBuffer(p);
}

/**
 * Compose transforms left to right. The first reads the gradients (never modifies them); each
 * later one reads and writes the chain's own output arrays. The state is the object of the
 * stateful transforms' states, keyed by `key`; `update` writes the next state into that same
 * object (the state is owned by `update`, see `OptimizerPlugin`).
 * @example
 * ```ts
 * const adamw = chain(scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLr(), decoupledWeightDecay(0.01));
 * let state = adamw.init(params);
 * const { updates } = adamw.update(grads, state, params, { lr: 1e-3, step: 1 });
 * ```
 */
export function chain(...transforms: Transform<any>[]): Chain { // eslint-disable-line @typescript-eslint/no-explicit-any
  const active = transforms.filter((t) => !t.identity);
  // The passes, planned once: a fusable transform takes a following scaleByLr() (and
  // decoupledWeightDecay() right after it) as its epilogue; an inPlace one also takes a leading
  // addL2ToGrad() as its prologue.
  const stages: Stage[] = [];
  for (let k = 0; k < active.length; k++) {
    const t = active[k]!;
    const lr = t.fusable ? active[k + 1]?.lrFactor : undefined;
    if (lr) {
      const decay = active[k + 2]?.decayFactor;
      stages.push({ t, lr, decay, l2: 0 });
      k += decay ? 2 : 1;
    } else {
      stages.push({ t, lr: undefined, decay: undefined, l2: 0 });
    }
  }
  if (stages.length >= 2 && stages[0]!.t.l2Coefficient !== undefined && stages[1]!.t.inPlace) {
    stages.splice(0, 2, { ...stages[1]!, l2: stages[0]!.t.l2Coefficient });
  }
  // One pass in place: a single inPlace stage with its lr epilogue, or plain SGD (scaleByLr(),
  // optionally after addL2ToGrad()).
  const only = stages.length === 1 ? stages[0]! : null;
  const fusedInPlace = only !== null && only.t.inPlace === true && only.lr !== undefined ? only : null;
  const plain = stages.length === 1 && stages[0]!.t.lrFactor ? { lr: stages[0]!.t.lrFactor, l2: 0 }
    : stages.length === 2 && stages[0]!.t.l2Coefficient !== undefined && stages[1]!.t.lrFactor ? { lr: stages[1]!.t.lrFactor, l2: stages[0]!.t.l2Coefficient }
      : null;
  const epilogueOf = (st: Stage, ctx: TransformContext, target?: readonly TypedArray[]): Epilogue | undefined =>
    st.lr === undefined && st.l2 === 0 ? undefined
      : { scale: st.lr ? st.lr(ctx) : 1, decay: st.decay ? st.decay(ctx) : 0, l2: st.l2, ...(target ? { target } : {}) };

  const update: Chain['update'] = (grads, state, params, ctx) => {
    const dst = params.map(zeroBuffer);
    let src: readonly TypedArray[] = grads;
    for (const st of stages) {
      const t = st.t;
      const next = t.apply(src, dst, state[t.key], params, ctx, epilogueOf(st, ctx));
      if (next !== undefined) state[t.key] = next;
      src = dst;
    }
    if (src !== dst) for (let j = 0; j < dst.length; j++) dst[j]!.set(grads[j]!);
    return { updates: dst, state };
  };
  return {
    init(params) {
      const state: ChainState = {};
      for (const t of active) {
        const s = t.init(params);
        if (s !== undefined) state[t.key] = s;
      }
      return state;
    },
    update,
    updateInPlace(grads, state, params, ctx, targets) {
      if (fusedInPlace !== null) {
        const t = fusedInPlace.t;
        const next = t.apply(grads, [], state[t.key], params, ctx, epilogueOf(fusedInPlace, ctx, targets));
        if (next !== undefined) state[t.key] = next;
      } else if (plain !== null) {
        const c = plain.lr(ctx);
        for (let j = 0; j < targets.length; j++) scaledAddInto(targets[j]!, grads[j]!, c, plain.l2);
      } else {
        const { updates } = update(grads, state, params, ctx);
        for (let j = 0; j < targets.length; j++) scaledAddInto(targets[j]!, updates[j]!, 1, 0);
      }
      return state;
    },
  };
}

/** A pass of a chain: a transform, with the factors of what is fused into its loop. */
interface Stage {
  readonly t: Transform<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly lr: ((ctx: TransformContext) => number) | undefined;
  readonly decay: ((ctx: TransformContext) => number) | undefined;
  readonly l2: number;
}

/** `θᵢ ← θᵢ + round(c·round(gᵢ + λθᵢ))` (λ = 0: no L2 term; c = 1: the update as it is), with the
 * rounding to θ's dtype that storing the intermediate arrays did: plain SGD in place, and the
 * fallback `θ ← θ + u` of {@link Chain.updateInPlace}. */
function scaledAddInto(th: TypedArray, g: TypedArray, c: number, l2: number): void {
  const f32 = th instanceof Float32Array;
  for (let i = 0, n = th.length; i < n; i++) {
    let x = g[i]!;
    if (l2 !== 0) { x = x + l2 * th[i]!; if (f32) x = Math.fround(x); }
    if (c !== 1) { x = c * x; if (f32) x = Math.fround(x); }
    th[i] = th[i]! + x;
  }
}

/** Wrap a chain built from the group's options as the `init`/`update` pair of a plugin, with the
 * optional fast path `updateInPlace` (see `OptimizerPlugin.updateInPlace`).
 * @example
 * ```ts
 * const { init, update } = chainPlugin((o: AdamOptions) => chain(scaleByAdam(o), scaleByLr()));
 * ```
 */
export function chainPlugin<O>(build: (options: O) => Chain): {
  /** Build the chain from `options` and return its initial state. */
  init(params: readonly Tensor[], options: O): ChainState;
  /** Build the chain from `ctx.options` and run one step of it. */
  update(grads: readonly TypedArray[], state: ChainState, params: readonly Tensor[], ctx: OptimizerContext<O & { lr: number }>): UpdateResult<ChainState>;
  /** The same step adding the deltas into `targets` ({@link Chain.updateInPlace}): the plugin fast path. */
  updateInPlace(grads: readonly TypedArray[], state: ChainState, params: readonly Tensor[], ctx: OptimizerContext<O & { lr: number }>, targets: readonly TypedArray[]): ChainState;
} {
  return {
    init: (params, options) => build(options).init(params),
    update: (grads, state, params, ctx) => build(ctx.options).update(grads, state, params, ctx),
    updateInPlace: (grads, state, params, ctx, targets) => build(ctx.options).updateInPlace(grads, state, params, ctx, targets),
  };
}

const IDENTITY: Transform<undefined> = { key: 'identity', identity: true, init: () => undefined, apply: (_s, _d, st) => st };

/**
 * L2 regularisation folded into the gradient, PyTorch's `weight_decay` for SGD/Adam/RMSprop/…:
 * `g ← g + λθ`. Place it first in a chain.
 * @example
 * ```ts
 * chain(addL2ToGrad(1e-4), scaleByLr()); // SGD with weight decay
 * ```
 */
export function addL2ToGrad(weightDecay: number): Transform<undefined> {
  if (weightDecay === 0) return IDENTITY;
  return {
    key: 'l2',
    l2Coefficient: weightDecay,
    init: () => undefined,
    apply(src, dst, state, params) {
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, p = params[j]!.buffer();
        for (let i = 0; i < d.length; i++) d[i] = s[i]! + weightDecay * p[i]!;
      }
      return state;
    },
  };
}

/**
 * Add `λθ` to the current direction, wherever it is placed in the chain (Optax's
 * `add_decayed_weights`). Before {@link scaleByLr} this is weight decay scaled by the lr *after* the
 * adaptive scaling (LAMB, AdamW in Optax's form).
 * @example
 * ```ts
 * chain(scaleByAdam(o), addDecayedWeights(0.01), scaleByTrustRatio(), scaleByLr()); // LAMB
 * ```
 */
export function addDecayedWeights(weightDecay: number): Transform<undefined> {
  if (weightDecay === 0) return IDENTITY;
  return { ...addL2ToGrad(weightDecay), key: 'decayedWeights' };
}

/**
 * Decoupled weight decay (Loshchilov & Hutter), PyTorch AdamW's `θ ← θ(1 − ηλ)`: adds `−ηλθ`
 * to the delta. Place it after {@link scaleByLr}. With `lrScaled: false` it adds `−λθ`
 * (AdaBoundW's convention).
 * @example
 * ```ts
 * chain(scaleByAdam(o), scaleByLr(), decoupledWeightDecay(0.01)); // AdamW
 * ```
 */
export function decoupledWeightDecay(weightDecay: number, options: { lrScaled?: boolean } = {}): Transform<undefined> {
  if (weightDecay === 0) return IDENTITY;
  const lrScaled = options.lrScaled ?? true;
  const decayFactor = (ctx: TransformContext) => -(lrScaled ? ctx.lr * weightDecay : weightDecay);
  return {
    key: 'decoupledWeightDecay',
    decayFactor,
    init: () => undefined,
    apply(src, dst, state, params, ctx) {
      const c = decayFactor(ctx);
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, p = params[j]!.buffer();
        for (let i = 0; i < d.length; i++) d[i] = s[i]! + c * p[i]!;
      }
      return state;
    },
  };
}

/**
 * Multiply by `−η` (the step's learning rate, optionally transformed: Adagrad's decayed
 * `η / (1 + (t−1)·lrDecay)`), turning a descent direction into a delta.
 * @example
 * ```ts
 * scaleByLr();                                         // u ← −η·u
 * scaleByLr((lr, t) => lr / (1 + (t - 1) * 0.01));     // Adagrad's lr decay
 * ```
 */
export function scaleByLr(schedule?: (lr: number, step: number) => number): Transform<undefined> {
  const lrFactor = (ctx: TransformContext) => -(schedule ? schedule(ctx.lr, ctx.step) : ctx.lr);
  return {
    key: 'lr',
    lrFactor,
    init: () => undefined,
    apply(src, dst, state, _params, ctx) {
      const c = lrFactor(ctx);
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!;
        for (let i = 0; i < d.length; i++) d[i] = c * s[i]!;
      }
      return state;
    },
  };
}

/** State of {@link trace}: the momentum buffer of each parameter.
 * @example
 * ```ts
 * const s: TraceState = { buf: [new Float32Array(4)] };
 * ```
 */
export interface TraceState {
  /** Momentum buffer b, one per parameter (same dtype and size). */ buf: TypedArray[] }

/**
 * Heavy-ball / Nesterov momentum in PyTorch's convention (`torch/optim/sgd.py`):
 * `b ← g` at t = 1, else `b ← μb + (1−τ)g`; output `g + μb` (Nesterov) or `b`.
 * The learning rate stays outside the buffer, so an lr change takes effect at once.
 * @example
 * ```ts
 * chain(trace({ momentum: 0.9 }), scaleByLr()); // SGD with momentum
 * ```
 */
export function trace(options: { momentum: number; dampening?: number; nesterov?: boolean }): Transform<TraceState> {
  const mu = options.momentum;
  const damp = 1 - (options.dampening ?? 0);
  const nesterov = options.nesterov ?? false;
  if (mu === 0) return IDENTITY as unknown as Transform<TraceState>;
  return {
    key: 'momentum',
    fusable: true,
    inPlace: true,
    init: (params) => ({ buf: params.map(zeroBuffer) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0, l2 = epilogue?.l2 ?? 0, target = epilogue?.target;
      const first = ctx.step === 1;
      for (let j = 0, count = target ? target.length : dst.length; j < count; j++) {
        const s = src[j]!, b = state.buf[j]!;
        const out = target ? target[j]! : dst[j]!;
        // Values are rounded to the dtype of the array that held them in the unfused passes.
        const add = target !== undefined, f32 = out instanceof Float32Array, f32b = b instanceof Float32Array;
        if (add && f32 && f32b && s instanceof Float32Array && !first && !nesterov && decay === 0) {
          momentumInPlaceF32(out as Float32Array, s, b as Float32Array, mu, damp, scale, l2);
          continue;
        }
        const th = target ? out : decay !== 0 || l2 !== 0 ? params[j]!.buffer() : null;
        for (let i = 0, n = out.length; i < n; i++) {
          let g = s[i]!;
          if (l2 !== 0) { g = g + l2 * th![i]!; if (f32) g = Math.fround(g); }
          let bi = first ? g : mu * b[i]! + damp * g;
          if (f32b) bi = Math.fround(bi);
          b[i] = bi;
          const o = nesterov ? g + mu * bi : bi;
          let u = decay !== 0 ? scale * o + decay * th![i]! : scale * o;
          if (add) { if (f32) u = Math.fround(u); out[i] = out[i]! + u; } else out[i] = u;
        }
      }
      return state;
    },
  };
}

/** {@link trace}'s loop in place on float32 storage after the first step, heavy ball without a
 * decoupled decay (SGD with momentum, with or without L2): the general loop without the
 * loop-invariant branches (which cost V8 a third of this cheap loop); same operations, same
 * order, same float32 roundings. */
function momentumInPlaceF32(th: Float32Array, s: Float32Array, b: Float32Array, mu: number, damp: number, scale: number, l2: number): void {
  if (l2 === 0) {
    for (let i = 0, n = th.length; i < n; i++) {
      const bi = Math.fround(mu * b[i]! + damp * s[i]!);
      b[i] = bi;
      th[i] = th[i]! + Math.fround(scale * bi);
    }
  } else {
    for (let i = 0, n = th.length; i < n; i++) {
      const p = th[i]!;
      const g = Math.fround(s[i]! + l2 * p);
      const bi = Math.fround(mu * b[i]! + damp * g);
      b[i] = bi;
      th[i] = p + Math.fround(scale * bi);
    }
  }
}

/** The WebAssembly SIMD form of {@link adamInPlaceF32} (bitwise identical; faster from a few
 * thousand elements), or null where SIMD is missing or `DESCENT_OPTIM_SIMD=0` is set. */
const adamSimd = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DESCENT_OPTIM_SIMD === '0'
  ? null : createAdamSimd();
/** Below this many elements the JS loop is as fast as the SIMD kernel's copies. */
const ADAM_SIMD_MIN = 1024;

/** {@link scaleByAdam}'s loop in place on float32 storage, without AMSGrad, and with a decoupled
 * decay (AdamW) or an L2 term (Adam with weight decay) or neither (Adam): the general loop
 * without its loop-invariant branches, which cost V8 20–50% here; same operations, same order,
 * same float32 roundings (the folded form, as the general loop on float32 parameters). Returns
 * false (having done nothing) for L2 and decay together. */
function adamInPlaceF32(th: Float32Array, s: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number,
  a1: number, a2: number, stepScale: number, invBc2sqrt: number, eps: number, decay: number, l2: number): boolean {
  if (adamSimd !== null && th.length >= ADAM_SIMD_MIN && s.length === th.length && m.length === th.length && v.length === th.length) {
    return adamSimd(th, s, m, v, beta1, beta2, a1, a2, stepScale, invBc2sqrt, eps, decay, l2);
  }
  if (l2 === 0 && decay === 0) {
    for (let i = 0, n = th.length; i < n; i++) {
      const g = s[i]!;
      const mi = Math.fround(beta1 * m[i]! + a1 * g);
      m[i] = mi;
      const vi = Math.fround(beta2 * v[i]! + a2 * g * g);
      v[i] = vi;
      th[i] = th[i]! + Math.fround(stepScale * mi / (Math.sqrt(vi) * invBc2sqrt + eps));
    }
  } else if (l2 === 0) {
    for (let i = 0, n = th.length; i < n; i++) {
      const g = s[i]!;
      const mi = Math.fround(beta1 * m[i]! + a1 * g);
      m[i] = mi;
      const vi = Math.fround(beta2 * v[i]! + a2 * g * g);
      v[i] = vi;
      const p = th[i]!;
      th[i] = p + Math.fround(stepScale * mi / (Math.sqrt(vi) * invBc2sqrt + eps) + decay * p);
    }
  } else if (decay === 0) {
    for (let i = 0, n = th.length; i < n; i++) {
      const p = th[i]!;
      const g = Math.fround(s[i]! + l2 * p);
      const mi = Math.fround(beta1 * m[i]! + a1 * g);
      m[i] = mi;
      const vi = Math.fround(beta2 * v[i]! + a2 * g * g);
      v[i] = vi;
      th[i] = p + Math.fround(stepScale * mi / (Math.sqrt(vi) * invBc2sqrt + eps));
    }
  } else {
    return false;
  }
  return true;
}

/** State of {@link scaleByAdam}: first and second moments (and the running max of v for AMSGrad).
 * @example
 * ```ts
 * const s: AdamState = { m: [new Float64Array(2)], v: [new Float64Array(2)] };
 * ```
 */
export interface AdamState {
  /** First moment m (EMA of g), one per parameter, not bias-corrected. */ m: TypedArray[];
  /** Second moment v (EMA of g²), one per parameter, not bias-corrected. */ v: TypedArray[];
  /** Running max of v (AMSGrad only; absent otherwise). */ vmax?: TypedArray[] }

/**
 * Adam's scaling in PyTorch's folded form (`torch/optim/adam.py`):
 * `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`, output `(m / (1−β1ᵗ)) / (√v / √(1−β2ᵗ) + ε)`;
 * with `amsgrad`, `v̂max ← max(v̂max, v)` on the raw v (PyTorch, Keras) and √v̂max in the denominator.
 * float64 parameters follow PyTorch's order of operations exactly. float32 parameters updated in
 * place (the optimizer's fused step) are computed in float64 as `(−η/(1−β1ᵗ))·m / (√v·(1/√(1−β2ᵗ)) + ε)`
 * and rounded once: one division instead of three, the same real number, within a few float64
 * ulps of PyTorch's order, so the float32 result is the same in all but rare ties
 * (docs/performance.md, "Adam's folded float32 form").
 * @example
 * ```ts
 * chain(addL2ToGrad(0), scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLr()); // Adam
 * ```
 */
export function scaleByAdam(options: { beta1: number; beta2: number; eps: number; amsgrad?: boolean }): Transform<AdamState> {
  const { beta1, beta2, eps } = options;
  const amsgrad = options.amsgrad ?? false;
  return {
    key: 'adam',
    fusable: true,
    inPlace: true,
    // float32 moments in the tensor heap where they fit: the SIMD update reads and writes them in place
    init: (params) => ({ m: params.map(momentBuffer), v: params.map(momentBuffer), ...(amsgrad ? { vmax: params.map(zeroBuffer) } : {}) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0, l2 = epilogue?.l2 ?? 0, target = epilogue?.target;
      const t = ctx.step;
      const bc1 = 1 - beta1 ** t;
      const bc2sqrt = Math.sqrt(1 - beta2 ** t);
      const a1 = 1 - beta1, a2 = 1 - beta2;
      const stepScale = scale / bc1, invBc2sqrt = 1 / bc2sqrt; // the folded float32 form's scalars
      for (let j = 0, count = target ? target.length : dst.length; j < count; j++) {
        const s = src[j]!, m = state.m[j]!, v = state.v[j]!;
        const out = target ? target[j]! : dst[j]!;
        // Values are rounded to the dtype of the array that held them in the unfused passes.
        const add = target !== undefined, f32 = out instanceof Float32Array;
        const f32m = m instanceof Float32Array, f32v = v instanceof Float32Array;
        if (add && f32 && f32m && f32v && s instanceof Float32Array && !amsgrad
          && adamInPlaceF32(out as Float32Array, s, m as Float32Array, v as Float32Array, beta1, beta2, a1, a2, stepScale, invBc2sqrt, eps, decay, l2)) {
          continue;
        }
        const th = target ? out : decay !== 0 || l2 !== 0 ? params[j]!.buffer() : null;
        const vmax = amsgrad ? state.vmax![j]! : null;
        for (let i = 0, n = out.length; i < n; i++) {
          let g = s[i]!;
          if (l2 !== 0) { g = g + l2 * th![i]!; if (f32) g = Math.fround(g); }
          let mi = beta1 * m[i]! + a1 * g;
          if (f32m) mi = Math.fround(mi);
          m[i] = mi;
          let vi = beta2 * v[i]! + a2 * g * g;
          if (f32v) vi = Math.fround(vi);
          v[i] = vi;
          if (vmax !== null) { if (vi > vmax[i]!) vmax[i] = vi; else vi = vmax[i]!; }
          // float32 parameters updated in place: the folded form, one division (see scaleByAdam's docs)
          const step = add && f32 ? stepScale * mi / (Math.sqrt(vi) * invBc2sqrt + eps) : scale * (mi / bc1 / (Math.sqrt(vi) / bc2sqrt + eps));
          let u = decay !== 0 ? step + decay * th![i]! : step;
          if (add) { if (f32) u = Math.fround(u); out[i] = out[i]! + u; } else out[i] = u;
        }
      }
      return state;
    },
  };
}

/** State of {@link scaleByRms}: the running mean of g² (and of g when centered).
 * @example
 * ```ts
 * const s: RmsState = { v: [new Float32Array(3)] };
 * ```
 */
export interface RmsState {
  /** Running mean of g² (decay α), one per parameter. */ v: TypedArray[];
  /** Running mean of g (centered RMSprop only; absent otherwise). */ gAvg?: TypedArray[] }

/**
 * RMSprop's scaling in PyTorch's convention (`torch/optim/rmsprop.py`): `v ← αv + (1−α)g²`,
 * output `g / (√v + ε)`; centered: `ḡ ← αḡ + (1−α)g`, output `g / (√(v − ḡ²) + ε)`. No bias
 * correction; v starts at 0, or at `g₀²` with `initFromGrad` (the lecture's `v₁ = g₀²`).
 * @example
 * ```ts
 * chain(scaleByRms({ alpha: 0.99, eps: 1e-8 }), scaleByLr());
 * ```
 */
export function scaleByRms(options: { alpha: number; eps: number; centered?: boolean; initFromGrad?: boolean }): Transform<RmsState> {
  const { alpha, eps } = options;
  const centered = options.centered ?? false;
  const initFromGrad = options.initFromGrad ?? false;
  const a1 = 1 - alpha;
  return {
    key: 'rms',
    fusable: true,
    inPlace: true,
    init: (params) => ({ v: params.map(zeroBuffer), ...(centered ? { gAvg: params.map(zeroBuffer) } : {}) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0, l2 = epilogue?.l2 ?? 0, target = epilogue?.target;
      const warm = initFromGrad && ctx.step === 1;
      for (let j = 0, count = target ? target.length : dst.length; j < count; j++) {
        const s = src[j]!, v = state.v[j]!;
        const out = target ? target[j]! : dst[j]!;
        const th = target ? out : decay !== 0 || l2 !== 0 ? params[j]!.buffer() : null;
        const ga = centered ? state.gAvg![j]! : null;
        // Values are rounded to the dtype of the array that held them in the unfused passes.
        const add = target !== undefined, f32 = out instanceof Float32Array;
        const f32v = v instanceof Float32Array, f32a = ga instanceof Float32Array;
        for (let i = 0, n = out.length; i < n; i++) {
          let g = s[i]!;
          if (l2 !== 0) { g = g + l2 * th![i]!; if (f32) g = Math.fround(g); }
          let vi = warm ? g * g : alpha * v[i]! + a1 * g * g;
          if (f32v) vi = Math.fround(vi);
          v[i] = vi;
          let avg: number;
          if (ga !== null) {
            let ai = warm ? g : alpha * ga[i]! + a1 * g;
            if (f32a) ai = Math.fround(ai);
            ga[i] = ai;
            avg = Math.sqrt(vi - ai * ai) + eps;
          } else {
            avg = Math.sqrt(vi) + eps;
          }
          const o = g / avg;
          let u = decay !== 0 ? scale * o + decay * th![i]! : scale * o;
          if (add) { if (f32) u = Math.fround(u); out[i] = out[i]! + u; } else out[i] = u;
        }
      }
      return state;
    },
  };
}

/** State of {@link scaleByAdagrad}: the running sum of g².
 * @example
 * ```ts
 * const s: AdagradState = { sum: [new Float64Array(2)] };
 * ```
 */
export interface AdagradState {
  /** Running sum of g² (starts at `initialAccumulatorValue`), one per parameter. */ sum: TypedArray[] }

/**
 * Adagrad's scaling (`torch/optim/adagrad.py`): `s ← s + g²` (s starts at
 * `initialAccumulatorValue`), output `g / (√s + ε)`.
 * @example
 * ```ts
 * chain(scaleByAdagrad({ eps: 1e-10 }), scaleByLr());
 * ```
 */
export function scaleByAdagrad(options: { eps: number; initialAccumulatorValue?: number }): Transform<AdagradState> {
  const { eps } = options;
  const init0 = options.initialAccumulatorValue ?? 0;
  return {
    key: 'adagrad',
    fusable: true,
    inPlace: true,
    init: (params) => ({ sum: params.map((p) => zeroBuffer(p).fill(init0)) }),
    apply(src, dst, state, params, ctx, epilogue) {
      const scale = epilogue?.scale ?? 1, decay = epilogue?.decay ?? 0, l2 = epilogue?.l2 ?? 0, target = epilogue?.target;
      for (let j = 0, count = target ? target.length : dst.length; j < count; j++) {
        const s = src[j]!, sum = state.sum[j]!;
        const out = target ? target[j]! : dst[j]!;
        const th = target ? out : decay !== 0 || l2 !== 0 ? params[j]!.buffer() : null;
        // Values are rounded to the dtype of the array that held them in the unfused passes.
        const add = target !== undefined, f32 = out instanceof Float32Array, f32s = sum instanceof Float32Array;
        for (let i = 0, n = out.length; i < n; i++) {
          let g = s[i]!;
          if (l2 !== 0) { g = g + l2 * th![i]!; if (f32) g = Math.fround(g); }
          let si = sum[i]! + g * g;
          if (f32s) si = Math.fround(si);
          sum[i] = si;
          const o = g / (Math.sqrt(si) + eps);
          let u = decay !== 0 ? scale * o + decay * th![i]! : scale * o;
          if (add) { if (f32) u = Math.fround(u); out[i] = out[i]! + u; } else out[i] = u;
        }
      }
      return state;
    },
  };
}

/**
 * Scale each parameter's direction `r` by the trust ratio `‖θ‖ / ‖r‖` (1 when either norm is 0),
 * per parameter tensor (LAMB, LARS; Optax `scale_by_trust_ratio`).
 * @example
 * ```ts
 * chain(scaleByAdam(o), addDecayedWeights(0.01), scaleByTrustRatio(), scaleByLr()); // LAMB
 * ```
 */
export function scaleByTrustRatio(): Transform<undefined> {
  return {
    key: 'trustRatio',
    init: () => undefined,
    apply(src, dst, state, params) {
      for (let j = 0; j < dst.length; j++) {
        const s = src[j]!, d = dst[j]!, p = params[j]!.buffer();
        let pn = 0, rn = 0;
        for (let i = 0; i < d.length; i++) { pn += p[i]! * p[i]!; rn += s[i]! * s[i]!; }
        pn = Math.sqrt(pn); rn = Math.sqrt(rn);
        const ratio = pn > 0 && rn > 0 ? pn / rn : 1;
        for (let i = 0; i < d.length; i++) d[i] = ratio * s[i]!;
      }
      return state;
    },
  };
}
