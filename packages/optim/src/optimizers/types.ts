/**
 * The optimizer plugin contract, in the spirit of Optax: an optimizer is a pure pair
 * `init(params, options) → state` and `update(grads, state, params, ctx) → { updates, state }`.
 * Parameters are changed in exactly one place, {@link applyUpdates}, which the {@link Optimizer}
 * class calls after every group's update has been computed and checked.
 *
 * A plugin may also offer the optional fast path `updateInPlace`, the same step with the
 * `θ ← θ + u` of `applyUpdates` fused into its loop (no update arrays, one pass). It must give
 * bit-identical results; the Optimizer uses it for CPU parameters and falls back to `update` +
 * `applyUpdates` everywhere else. The built-ins have it (through `chainPlugin`).
 *
 * Every built-in optimizer (`sgd`, `adam`, …) is written against this contract only, so a plugin
 * you write yourself is a first-class citizen: register it with {@link registerOptimizer}, check
 * it with `checkOptimizer` from `@descent/optim/testing`, and train with it.
 *
 * @module
 */
import type { Tensor, TypedArray } from '@descent/tensor';
import type { OptionRule } from '../options.js';

/** Options every optimizer has: the learning rate. The other options are the plugin's own.
 * @example
 * ```ts
 * interface SignSgdOptions extends OptimizerOptions { weightDecay: number }
 * ```
 */
export interface OptimizerOptions {
  /** Learning rate η used when the caller of `step()` does not pass one. */
  lr: number;
}

/** What `update` is told about the current step.
 * @example
 * ```ts
 * const ctx: OptimizerContext<{ lr: number }> = { lr: 0.1, step: 1, options: { lr: 0.1 } };
 * ```
 */
export interface OptimizerContext<O extends OptimizerOptions = OptimizerOptions> {
  /** The learning rate η of this step (from a scheduler or the trainer; defaults to `options.lr`). */
  readonly lr: number;
  /** The 1-based number of the step being taken (t in the formulas: 1 at the first `step()`). */
  readonly step: number;
  /** The resolved options of this parameter group (defaults merged with the group's overrides). */
  readonly options: O;
}

/** The result of one `update`: the deltas to add to the parameters and the next state.
 * @example
 * ```ts
 * const r: UpdateResult<{}> = { updates: [new Float32Array([-0.1])], state: {} };
 * ```
 */
export interface UpdateResult<S> {
  /** One typed array per parameter, same length and dtype as it: `θ ← θ + updates[i]`. */
  readonly updates: TypedArray[];
  /** The state to pass to the next `update` (and what `Optimizer.state()` saves). */
  readonly state: S;
}

/** Per-option validation rules: each returns an error text or null. See `rules` in `options.ts`.
 * @example
 * ```ts
 * const r: OptionRules<{ lr: number }> = { lr: rules.nonNegative };
 * ```
 */
export type OptionRules<O> = { [K in keyof O]?: OptionRule };

/**
 * An optimizer plugin.
 *
 * **Purity.** `update` must not mutate `grads` or the parameters (read them with `.buffer()` only).
 * It returns `updates`, the deltas the caller adds to the parameters.
 *
 * **State ownership.** The state passed to `update` is owned by `update`: it may write into the
 * state's typed arrays in place (the built-ins do, to avoid allocating a new `m` and `v` at every
 * step) and return the same object. The caller must treat the state it passed in as consumed and
 * use only the returned one. A state must be plain data — objects, arrays, numbers, booleans,
 * strings, null and Float32Array/Float64Array — so `Optimizer.state()` can save it exactly.
 *
 * **Options.** `defaults` lists every option with its default; any other name is rejected
 * (`weight_decay`, `lR`…). `rules` check single values; `resolve` does cross-option checks
 * (e.g. "nesterov needs momentum > 0") and may fill derived defaults.
 *
 * @example
 * ```ts
 * // signSGD: θ ← θ − η·sign(g)
 * const signSgd: OptimizerPlugin<{ lr: number }, {}> = {
 *   name: 'signsgd',
 *   defaults: { lr: 0.01 },
 *   rules: { lr: rules.nonNegative },
 *   init: () => ({}),
 *   update(grads, state, params, ctx) {
 *     const updates = grads.map((g) => g.map((x) => -ctx.lr * Math.sign(x)));
 *     return { updates, state };
 *   },
 * };
 * ```
 */
export interface OptimizerPlugin<O extends OptimizerOptions = OptimizerOptions, S = unknown> {
  /** Registry name (lower case, e.g. `'adam'`). */
  readonly name: string;
  /** One-line description for docs and listings. */
  readonly description?: string;
  /** Every option and its default. Defaults equal PyTorch's where PyTorch has the optimizer. */
  readonly defaults: O;
  /** Per-option checks run when options are resolved (at creation). Every key must be an option
   * of `defaults` (checked at registration). */
  readonly rules?: OptionRules<O>;
  /** Which option is this optimizer's momentum (SGD's `momentum`, Adam's `betas[0]`): what
   * momentum-cycling schedules (`onecycle`, `cyclic`) set at every step. A plugin without it
   * cannot be used with a schedule that cycles momentum (the Trainer says so, unless
   * `cycleMomentum: false`). See {@link MomentumOption}. */
  readonly momentum?: MomentumOption;
  /** Cross-option checks and derived defaults, after `rules`; throw ValueError/ConfigError naming the option. */
  resolve?(options: O): O;
  /** The initial state for these parameters (zeros for moment buffers, step-independent). */
  init(params: readonly Tensor[], options: O): S;
  /** One step: the deltas to add to the parameters, and the next state. See the ownership rules above. */
  update(grads: readonly TypedArray[], state: S, params: readonly Tensor[], ctx: OptimizerContext<O>): UpdateResult<S>;
  /**
   * Optional fast path: the same step as `update`, but instead of returning the updates it adds
   * them into `targets` — the parameters' live storage, `targets[j]` being `params[j].buffer()` —
   * and returns only the next state. Offer it when the update can be fused into one pass (the
   * built-ins do, through `chainPlugin`); without it the `Optimizer` calls `update` and
   * `applyUpdates`, and `update` stays the reference either way.
   *
   * **Equivalence.** Parameters and state must end up bit for bit as after
   * `r = update(grads, state, params, ctx); applyUpdates(params, r.updates)`: each update value
   * rounded to the parameter's dtype (as an update array holds it), then `θᵢ ← θᵢ + uᵢ`.
   * `checkOptimizer` compares the Optimizer's steps (which take this path) with `update` +
   * `applyUpdates` bit for bit.
   *
   * **Reads and writes.** Read `θᵢ` (for weight decay, say) before writing it, or finish any
   * whole-tensor reduction before the first write. Do not modify `grads`. Do not throw once
   * anything (parameters or state) has been written: validate first — the Optimizer's guarantee
   * that a failed step changes nothing relies on it.
   *
   * **When it is called.** The Optimizer calls it, after checking the gradients, only when every
   * parameter is a CPU tensor whose storage overlaps no other parameter's and no gradient's; each
   * group is given its slice of `targets`. Otherwise it uses `update` + `applyUpdates`.
   * @example
   * ```ts
   * // signSGD in place: θ ← θ + round(−η·sign(g))
   * updateInPlace(grads, state, params, ctx, targets) {
   *   grads.forEach((g, j) => {
   *     const th = targets[j]!, f32 = th instanceof Float32Array;
   *     for (let i = 0; i < th.length; i++) {
   *       const u = -ctx.lr * Math.sign(g[i]!);
   *       th[i] = th[i]! + (f32 ? Math.fround(u) : u); // the update as a Float32Array would hold it
   *     }
   *   });
   *   return state;
   * },
   * ```
   */
  updateInPlace?(grads: readonly TypedArray[], state: S, params: readonly Tensor[], ctx: OptimizerContext<O>, targets: readonly TypedArray[]): S;
  /**
   * Optional: the parameters to evaluate (and checkpoint) with, for an optimizer whose training
   * iterate is not the point it wants evaluated (Schedule-Free's y vs x, an averaged model). Called
   * by `Optimizer.evalMode()` — which the Trainer calls before every evaluation and checkpoint —
   * with the group's state, parameters and options; returns the parameters' new values and the
   * next state, or null when nothing changes (already in evaluation mode, or nothing to switch).
   * The state must record the mode (and whatever {@link OptimizerPlugin.trainParams} needs to
   * restore the training values), so a checkpoint taken in evaluation mode resumes exactly. Offer
   * both hooks or neither.
   * @example
   * ```ts
   * evalParams: (state, params) => (state.saved ? null : { values: averaged(state), state: { ...state, saved: params.map((p) => p.buffer().slice()) } }),
   * ```
   */
  evalParams?(state: S, params: readonly Tensor[], options: O): ModeSwitch<S> | null;
  /** Optional: undo {@link OptimizerPlugin.evalParams}: the training values of the parameters and
   * the next state, or null when already in training mode. `Optimizer.trainMode()` calls it.
   * @example
   * ```ts
   * trainParams: (state) => (state.saved ? { values: state.saved, state: { ...state, saved: null } } : null),
   * ```
   */
  trainParams?(state: S, params: readonly Tensor[], options: O): ModeSwitch<S> | null;
}

/** What a mode switch (`evalParams` / `trainParams`) returns: the parameters' new values (one
 * typed array per parameter, its dtype and size) and the plugin's next state.
 * @example
 * ```ts
 * const r: ModeSwitch<{ saved: null }> = { values: [new Float64Array([0.5])], state: { saved: null } };
 * ```
 */
export interface ModeSwitch<S> {
  /** The new value of each parameter (replacing it, not added to it). */
  readonly values: TypedArray[];
  /** The plugin's next state. */
  readonly state: S;
}

/** Plugin metadata naming the option a momentum-cycling schedule sets: `{ option: 'momentum' }`
 * for a number option, `{ option: 'betas', index: 0 }` for an element of an array option, or
 * `{ option: 'inner', wraps: true }` for a wrapper whose option `inner` holds the optimizer it
 * wraps (Lookahead): that optimizer's own declaration is used.
 * @example
 * ```ts
 * const adaBelief = { name: 'adabelief', momentum: { option: 'betas', index: 0 }, … };
 * const sgdLike = { name: 'mysgd', momentum: { option: 'beta1' }, … };
 * ```
 */
export interface MomentumOption {
  /** The option's name in `defaults`. */
  readonly option: string;
  /** For an array option, the index of the momentum in it (Adam's β₁ is `betas[0]`). */
  readonly index?: number;
  /** The option holds a wrapped optimizer (`{ plugin, options }` after resolution) whose momentum is meant. */
  readonly wraps?: boolean;
}

/** Any optimizer plugin, whatever its options and state types.
 * @example
 * ```ts
 * const all: AnyOptimizerPlugin[] = [adam, sgd];
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOptimizerPlugin = OptimizerPlugin<any, any>;

/** A plugin together with its resolved options: what `optimizers.create(name, options)` returns.
 * @example
 * ```ts
 * const { plugin, options } = optimizers.create('adam', { lr: 0.01 }) as ConfiguredOptimizer;
 * ```
 */
export interface ConfiguredOptimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The optimizer plugin (its `init`/`update` pair). */
  readonly plugin: OptimizerPlugin<O, unknown>;
  /** The plugin's options, defaults merged with the caller's and validated. */
  readonly options: O;
}

/** A group of parameters sharing option overrides (e.g. a lower `lr`, or `weightDecay: 0` for biases).
 * @example
 * ```ts
 * const groups: ParamGroup[] = [
 *   { params: backbone.parameters(), options: { lr: 1e-4 } },
 *   { params: head.parameters() },
 * ];
 * ```
 */
export interface ParamGroup {
  /** The parameter tensors in this group (each must appear in only one group). */
  readonly params: readonly Tensor[];
  /** Overrides of the optimizer's options for this group only. */
  readonly options?: Record<string, unknown>;
}
