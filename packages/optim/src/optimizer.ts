/**
 * The `Optimizer` users and the trainer hold: a plugin plus parameters (or parameter groups),
 * the step count and the plugin's state. `step(lr?)` reads each parameter's `.grad`, asks the
 * plugin for updates group by group and applies them with {@link applyUpdates}, the one function
 * that changes parameters — or, when the plugin offers the optional fast path
 * `OptimizerPlugin.updateInPlace` and the parameters are CPU tensors, lets the plugin add the
 * updates itself in the same pass (bit-identical; the built-ins do).
 *
 * @module
 */
import { ConfigError, DescentError, DTypeError, ShapeError, StateError, ValueError, type Tensor, type TypedArray } from '@descent/tensor';
import { getOptimizerPlugin, resolveOptimizerOptions } from './optimizers/define.js';
import { checkStateStructure, cloneState, decodeState, encodeState, type EncodedState } from './optimizers/state.js';
import type { AnyOptimizerPlugin, LossClosure, OptimizerOptions, OptimizerPlugin, ParamGroup } from './optimizers/types.js';
import { formatValue } from './options.js';

/** The saved form of an {@link Optimizer}: plain JSON, typed arrays encoded exactly.
 * @example
 * ```ts
 * const saved: OptimizerStateDict = opt.state();
 * fs.writeFileSync('opt.json', JSON.stringify(saved));
 * ```
 */
export interface OptimizerStateDict {
  /** Format tag and version of this saved state; checked on load. */
  readonly format: 'descent.optimizer/1';
  /** The plugin's registry name. */
  readonly optimizer: string;
  /** Steps taken so far (the next step is `step + 1`). */
  readonly step: number;
  /** One entry per parameter group, in the optimizer's group order. */
  readonly groups: ReadonlyArray<{
    /** The group's resolved options, for the record (loading does not change options). */
    readonly options: EncodedState;
    /** Shape and dtype of each parameter of the group, checked on load. */
    readonly params: ReadonlyArray<{
      /** The parameter's shape. */ readonly shape: number[];
      /** The parameter's dtype (`'float32'` or `'float64'`). */ readonly dtype: string }>;
    /** The plugin's state for this group, encoded by `encodeState`. */
    readonly state: EncodedState;
  }>;
}

/** A parameter group as the optimizer holds it: its parameters and resolved options.
 * @example
 * ```ts
 * opt.groups[0].options.lr; // 0.001
 * ```
 */
export interface ResolvedParamGroup<O extends OptimizerOptions = OptimizerOptions> {
  /** The parameter tensors this group updates. */
  readonly params: readonly Tensor[];
  /** The optimizer's options with this group's overrides applied, validated. */
  readonly options: O;
}

const isTensorLike = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && Array.isArray((v as Tensor).shape) && typeof (v as Tensor).buffer === 'function';
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: readonly number[]) => `[${s.join(',')}]`;
const dtypeOfArray = (a: unknown) => (a instanceof Float64Array ? 'float64' : a instanceof Float32Array ? 'float32' : null);

/**
 * Add each update to its parameter in place: `θᵢ ← θᵢ + uᵢ`. The only function in
 * `@descent/optim` that changes parameters (a plugin's optional `updateInPlace` fast path does
 * the same addition fused into its own loop, with bit-identical results). On the CPU backend it
 * writes into the live buffer; on other backends it writes back with `Tensor.assign`.
 * @throws ValueError / ShapeError / DTypeError when the updates do not match the parameters (nothing is changed).
 * @example
 * ```ts
 * applyUpdates([w], [new Float32Array([-0.1, 0.2])]);
 * ```
 */
export function applyUpdates(params: readonly Tensor[], updates: readonly TypedArray[]): void {
  if (!Array.isArray(params) || !params.every(isTensorLike)) throw new ValueError(`applyUpdates: params must be an array of Tensors, but got ${formatValue(params, 60)}`);
  const problem = checkArrays(params, updates, 'update');
  if (problem) throw problem;
  for (let j = 0; j < params.length; j++) {
    const p = params[j]!, u = updates[j]!;
    const buf = p.buffer();
    for (let i = 0; i < u.length; i++) buf[i] = buf[i]! + u[i]!;
    // NOTE: buffer() is the live storage only on the CPU backend; elsewhere write the sum back.
    if ((p as { handle?: { backend?: string } }).handle?.backend !== 'cpu') p.assign(buf);
    else p.bumpVersion?.(); // a graph recorded before this step can no longer be differentiated
  }
}

/** Call a loss closure and check what it returns. */
function callClosure(closure: LossClosure, where: string): { loss: number; grads: ReadonlyArray<TypedArray | Tensor> } {
  const r = closure();
  if (r === null || typeof r !== 'object' || typeof r.loss !== 'number' || !Array.isArray(r.grads)) {
    throw new ValueError(`${where}: the closure must return { loss: number, grads: one gradient per parameter }, but got ${formatValue(r, 80)}`);
  }
  return r;
}

/** `ctx.evaluate` for a group: set the group's parameters to the trial values, run the closure,
 * restore them, and return the loss and the group's gradients (as typed arrays). */
function closureEvaluator(all: readonly Tensor[], offset: number, params: readonly Tensor[], closure: LossClosure, where: string) {
  return (values: readonly TypedArray[]): { loss: number; grads: TypedArray[] } => {
    const bad = checkArrays(params, values, 'trial value');
    if (bad) throw new (bad.constructor as new (m: string) => DescentError)(`${where}: ${bad.message}`);
    const saved = params.map((p) => p.buffer().slice());
    assignParams(params, values);
    try {
      const r = callClosure(closure, where);
      if (r.grads.length !== all.length) throw new ValueError(`${where}: the closure must return one gradient per parameter (${all.length}), but got ${r.grads.length}`);
      const grads = params.map((p, j) => {
        const g = r.grads[offset + j]!;
        const a = isTensorLike(g) ? g.buffer() : g;
        const wrong = checkArrays([p], [a], 'gradient');
        if (wrong) throw new (wrong.constructor as new (m: string) => DescentError)(`${where}: closure: ${wrong.message}`);
        return a.slice();
      });
      return { loss: r.loss, grads };
    } finally {
      assignParams(params, saved);
    }
  };
}

/** Set each parameter to the given values (checked like updates): the mode switch of
 * {@link Optimizer.evalMode} / {@link Optimizer.trainMode}, the one other place parameters change. */
function assignParams(params: readonly Tensor[], values: readonly TypedArray[]): void {
  for (let j = 0; j < params.length; j++) params[j]!.assign(values[j]!);
}

/** The live storage of every parameter, for `OptimizerPlugin.updateInPlace`; null (use `update` +
 * `applyUpdates`) unless every parameter is a CPU tensor with contiguous storage that overlaps no
 * other parameter's and no gradient's. */
function inPlaceTargets(params: readonly Tensor[], grads: readonly TypedArray[]): TypedArray[] | null {
  const targets: TypedArray[] = new Array<TypedArray>(params.length);
  const byBuffer = new Map<ArrayBufferLike, TypedArray[]>();
  for (let j = 0; j < params.length; j++) {
    const p = params[j]!;
    if ((p as { handle?: { backend?: string } }).handle?.backend !== 'cpu') return null;
    const a = p.buffer();
    if (a.length !== p.size) return null;
    const same = byBuffer.get(a.buffer);
    if (same === undefined) byBuffer.set(a.buffer, [a]);
    else if (same.some((b) => overlaps(a, b))) return null;
    else same.push(a);
    targets[j] = a;
  }
  for (const g of grads) if (byBuffer.get(g.buffer)?.some((b) => overlaps(g, b))) return null;
  return targets;
}

const overlaps = (a: TypedArray, b: TypedArray) =>
  a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;

function checkArrays(params: readonly Tensor[], arrays: readonly unknown[], what: string): DescentError | null {
  if (!Array.isArray(arrays) || arrays.length !== params.length) {
    return new ValueError(`expected one ${what} per parameter (${params.length}), but got ${Array.isArray(arrays) ? arrays.length : String(arrays)}`);
  }
  for (let j = 0; j < params.length; j++) {
    const p = params[j]!, a = arrays[j];
    const dt = dtypeOfArray(a);
    if (dt === null) return new DTypeError(`${what} ${j} must be a Float32Array or Float64Array, but got ${a === null ? 'null' : typeof a === 'object' ? (a as object).constructor?.name : typeof a}`);
    if (dt !== p.dtype) return new DTypeError(`${what} ${j} must have the parameter's dtype ${p.dtype}, but got ${dt}`);
    if ((a as TypedArray).length !== p.size) return new ShapeError(`${what} ${j} must have ${p.size} values (parameter shape ${fmt(p.shape)}), but got ${(a as TypedArray).length}`);
  }
  return null;
}

/**
 * An optimizer bound to parameters: holds the plugin, parameter groups with resolved options,
 * the step count and the state. The learning rate is an input of every step (`step(lr)`), so a
 * scheduler or the trainer can set it freely (never a hidden field: tfjs#683).
 *
 * @example
 * ```ts
 * const opt = new Optimizer('adam', model.parameters(), { lr: 1e-3 });
 * for (const batch of data) {
 *   opt.zeroGrad();
 *   lossFn(model, batch).backward();
 *   opt.step(scheduler.lr(opt.stepCount));
 * }
 * const saved = JSON.stringify(opt.state());
 * ```
 */
export class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The plugin doing the math. */
  readonly plugin: OptimizerPlugin<O, unknown>;
  /** Parameter groups with their resolved options (defaults ← optimizer options ← group options). */
  readonly groups: ReadonlyArray<ResolvedParamGroup<O>>;
  private states: unknown[];
  private steps = 0;

  /**
   * @param optimizer a registered name (`'adam'`) or a plugin object.
   * @param params the parameters, or parameter groups `[{ params, options }]` whose options
   *   override `options` for that group only.
   * @param options the optimizer's options (unknown names and invalid values are rejected).
   * @throws ConfigError / ValueError for bad options or a group with a field other than
   *   `params` and `options`, RegistryError for an unknown name, ValueError for an empty or
   *   repeated parameter list.
   * @example
   * ```ts
   * new Optimizer('sgd', [
   *   { params: backbone.parameters(), options: { lr: 1e-4 } },
   *   { params: head.parameters(), options: { weightDecay: 0 } },
   * ], { lr: 1e-2, momentum: 0.9, weightDecay: 1e-4 });
   * ```
   */
  constructor(optimizer: string | OptimizerPlugin<O, unknown>, params: readonly Tensor[] | readonly ParamGroup[], options: Partial<O> | Record<string, unknown> = {}) {
    this.plugin = getOptimizerPlugin(optimizer as string | AnyOptimizerPlugin) as OptimizerPlugin<O, unknown>;
    const name = this.plugin.name;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ConfigError(`${name}: options must be an object, but got ${formatValue(options)}`);
    }
    if (!Array.isArray(params) || params.length === 0) {
      throw new ValueError(`${name}: expected a non-empty list of parameters or parameter groups, but got ${formatValue(params)}`);
    }
    const asGroups: ParamGroup[] = params.every(isTensorLike)
      ? [{ params: params as readonly Tensor[] }]
      : (params as readonly ParamGroup[]).map((g, i) => {
          if (typeof g !== 'object' || g === null || !Array.isArray(g.params)) {
            throw new ValueError(`${name}: entry ${i} of the parameter list must be a Tensor or a group { params, options }, but got ${isTensorLike(g) ? 'a Tensor mixed with groups' : formatValue(g)}`);
          }
          const unknown = Object.keys(g).filter((k) => k !== 'params' && k !== 'options');
          if (unknown.length) {
            throw new ConfigError(`${name}: parameter group ${i} has unknown field '${unknown[0]}'; a group is { params, options }, but got fields ${Object.keys(g).join(', ')}`);
          }
          if (g.options !== undefined && (g.options === null || typeof g.options !== 'object' || Array.isArray(g.options))) {
            throw new ConfigError(`${name}: parameter group ${i}: options must be an object, but got ${formatValue(g.options)}`);
          }
          return g;
        });
    const seen = new Set<Tensor>();
    this.groups = asGroups.map((g, gi) => {
      const where = asGroups.length > 1 ? ` (parameter group ${gi})` : '';
      if (g.params.length === 0) throw new ValueError(`${name}: parameter group ${gi} has no parameters`);
      g.params.forEach((p, i) => {
        if (!isTensorLike(p)) throw new ValueError(`${name}: parameter ${i}${where} must be a Tensor, but got ${formatValue(p)}`);
        if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new DTypeError(`${name}: parameter ${i}${where} must be float32 or float64, but got ${String(p.dtype)}`);
        if (seen.has(p)) throw new ValueError(`${name}: parameter ${i}${where} (shape ${fmt(p.shape)}) appears more than once; each parameter may be in one group only`);
        seen.add(p);
      });
      let resolved: O;
      try {
        resolved = resolveOptimizerOptions(this.plugin, { ...options, ...(g.options ?? {}) });
      } catch (e) {
        if (e instanceof DescentError && where) throw new (e.constructor as new (m: string) => DescentError)(`${e.message}${where}`);
        throw e;
      }
      return { params: g.params.slice(), options: resolved };
    });
    checkDistinctStorage(this.groups.map((g) => g.params), name);
    this.states = this.groups.map((g) => this.plugin.init(g.params, g.options));
  }

  /** The plugin's registry name.
   * @example
   * ```ts
   * new Optimizer('adam', params).name; // 'adam'
   * ```
   */
  get name(): string {
    return this.plugin.name;
  }

  /** Number of steps taken (restored by `loadState`).
   * @example
   * ```ts
   * opt.step(); opt.stepCount; // 1
   * ```
   */
  get stepCount(): number {
    return this.steps;
  }

  /** All parameters, group after group, in the order `stepWithGrads` expects gradients.
   * @example
   * ```ts
   * opt.params.length; // number of parameter tensors
   * ```
   */
  get params(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** Each group's `lr` option: the lr a step uses when none is passed (a scheduler's base lrs).
   * @example
   * ```ts
   * opt.baseLrs; // [0.001]
   * ```
   */
  get baseLrs(): number[] {
    return this.groups.map((g) => g.options.lr);
  }

  /**
   * Take one step using each parameter's `.grad`.
   * @param lr this step's learning rate: one number for every group, one per group, or omitted
   *   (each group's `lr` option).
   * @throws ValueError when a parameter has no gradient; ShapeError/DTypeError when a gradient
   *   does not match its parameter. A failed step changes neither parameters nor state.
   * @example
   * ```ts
   * loss.backward();
   * opt.step();        // lr from the options
   * opt.step(0.01);    // this step at lr 0.01 (e.g. from a scheduler)
   * ```
   */
  step(lr?: number | readonly number[]): void {
    this.stepLrs(lr);
    const grads = this.params.map((p, i) => {
      if (!p.grad) throw new ValueError(`${this.name}.step: parameter ${i} (shape ${fmt(p.shape)}) has no gradient; call backward() first, or leave parameters that get no gradient out of the optimizer`);
      return p.grad;
    });
    this.stepWithGrads(grads, lr);
  }

  /**
   * Take one step with explicit gradients (one per parameter, in {@link Optimizer.params} order),
   * given as tensors or typed arrays of the parameters' dtypes. Gradients are not modified.
   * @throws as {@link Optimizer.step}. A failed step changes neither parameters nor state.
   * @example
   * ```ts
   * opt.stepWithGrads([new Float64Array([0.1, -0.2])], 0.05);
   * ```
   */
  stepWithGrads(grads: ReadonlyArray<TypedArray | Tensor>, lr?: number | readonly number[], closure?: { loss: number; closure: LossClosure }): void {
    const where = `${this.name}.step`;
    const params = this.params;
    if (this.plugin.needsClosure && closure === undefined) {
      throw new ValueError(`${where}: '${this.name}' re-evaluates the loss during a step and needs a closure; call stepWithClosure(closure) instead`);
    }
    if (!Array.isArray(grads) || grads.length !== params.length) {
      throw new ValueError(`${where}: expected one gradient per parameter (${params.length}), but got ${Array.isArray(grads) ? grads.length : String(grads)}`);
    }
    const arrays = grads.map((g, i) => {
      const p = params[i]!;
      if (isTensorLike(g)) {
        if (!sameShape(g.shape, p.shape)) throw new ShapeError(`${where}: the gradient of parameter ${i} has shape ${fmt(g.shape)}, but the parameter has shape ${fmt(p.shape)}`);
        if (g.dtype !== p.dtype) throw new DTypeError(`${where}: the gradient of parameter ${i} has dtype ${g.dtype}, but the parameter has dtype ${p.dtype}`);
        return g.buffer();
      }
      return g as TypedArray;
    });
    const bad = checkArrays(params, arrays, 'gradient');
    if (bad) throw new (bad.constructor as new (m: string) => DescentError)(`${where}: ${bad.message}`);
    const lrs = this.stepLrs(lr);

    const t = this.steps + 1;
    const plugin = this.plugin;
    // The first step runs with a snapshot, so a plugin that breaks the contract (no state
    // returned) fails there with nothing changed.
    if (!this.contractChecked) {
      const before = { states: cloneState(this.states), params: params.map((p) => p.data()) };
      try {
        this.takeStep(params, arrays, lrs, t, where, closure);
      } catch (e) {
        this.states = before.states;
        params.forEach((p, i) => p.assign(before.params[i]!));
        throw e;
      }
      this.contractChecked = true;
      return;
    }
    this.takeStep(params, arrays, lrs, t, where, closure);
  }

  /** Whether a step has gone through the first-step contract check. */
  private contractChecked = false;

  /** A missing state from a plugin whose `init` gave one: the error naming the plugin, or null. */
  private missingState(next: unknown, gi: number, method: string, where: string): StateError | null {
    if (next !== undefined || this.states[gi] === undefined) return null;
    return new StateError(`${where}: plugin '${this.name}'.${method} returned no state for parameter group ${gi}; ${method === 'update' ? 'return { updates, state }' : 'return the next state'} (the state it was given, updated in place, or a new one)`);
  }

  private takeStep(params: readonly Tensor[], arrays: readonly TypedArray[], lrs: readonly number[], t: number, where: string, closure: { loss: number; closure: LossClosure } | undefined): void {
    const plugin = this.plugin;
    // Fast path: the plugin adds the updates itself, one fused pass (bit-identical to the path below).
    const targets = typeof plugin.updateInPlace === 'function' && closure === undefined ? inPlaceTargets(params, arrays) : null;
    if (targets !== null) {
      const single = this.groups.length === 1;
      let at = 0;
      for (let gi = 0; gi < this.groups.length; gi++) {
        const g = this.groups[gi]!, n = g.params.length;
        const gGrads = single ? arrays : arrays.slice(at, at + n), gTargets = single ? targets : targets.slice(at, at + n);
        at += n;
        const next = plugin.updateInPlace!(gGrads, this.states[gi], g.params, { lr: lrs[gi]!, step: t, options: g.options }, gTargets);
        for (const p of g.params) p.bumpVersion?.();
        const missing = this.missingState(next, gi, 'updateInPlace', where);
        if (missing) throw missing;
        this.states[gi] = next;
      }
      this.steps = t;
      return;
    }
    const results: { updates: TypedArray[]; state: unknown }[] = [];
    let offset = 0;
    for (let gi = 0; gi < this.groups.length; gi++) {
      const g = this.groups[gi]!;
      const gGrads = arrays.slice(offset, offset + g.params.length);
      offset += g.params.length;
      // NOTE: the state is handed over to update(), which may write into it in place.
      const ctx = closure === undefined ? { lr: lrs[gi]!, step: t, options: g.options }
        : { lr: lrs[gi]!, step: t, options: g.options, loss: closure.loss, evaluate: closureEvaluator(params, offset - g.params.length, g.params, closure.closure, where) };
      // NOTE: a closure may throw part-way, after update() wrote into the state: work on a copy.
      const r = this.plugin.update(gGrads, closure === undefined ? this.states[gi] : cloneState(this.states[gi]), g.params, ctx);
      const wrong = r && typeof r === 'object' ? checkArrays(g.params, r.updates, 'update') : new ValueError('update must return { updates, state }');
      if (wrong) throw new (wrong.constructor as new (m: string) => DescentError)(`${where}: plugin '${this.name}' returned a bad result for parameter group ${gi}: ${wrong.message}`);
      const missing = this.missingState(r.state, gi, 'update', where);
      if (missing) throw missing;
      results.push(r);
    }
    for (let gi = 0; gi < this.groups.length; gi++) {
      applyUpdates(this.groups[gi]!.params, results[gi]!.updates);
      this.states[gi] = results[gi]!.state;
    }
    this.steps = t;
  }

  /**
   * One step of an optimizer that re-evaluates the loss (L-BFGS, SAM; any optimizer works too):
   * `closure()` evaluates the loss and gradients at the parameters' current values; it is called
   * once here and again whenever the plugin asks (`ctx.evaluate`), with the parameters set to the
   * plugin's trial values and restored afterwards. Returns the loss before the step.
   * @throws as {@link Optimizer.step}, and ValueError when the closure returns a bad result.
   * @example
   * ```ts
   * const opt = createOptimizer('lbfgs', params, { lineSearch: 'strong_wolfe' });
   * const loss = opt.stepWithClosure(() => { const l = f(params); return { loss: l.item(), grads: gradients(l, params) }; });
   * ```
   */
  stepWithClosure(closure: LossClosure, lr?: number | readonly number[]): number {
    if (typeof closure !== 'function') throw new ValueError(`${this.name}.stepWithClosure: closure must be a function returning { loss, grads }, but got ${formatValue(closure)}`);
    const first = callClosure(closure, `${this.name}.stepWithClosure`);
    this.stepWithGrads(first.grads, lr, { loss: first.loss, closure });
    return first.loss;
  }

  private stepLrs(lr: number | readonly number[] | undefined): number[] {
    const check = (v: unknown, what: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${this.name}.step: ${what} must be a finite number ≥ 0, but got ${String(v)}`);
      return v;
    };
    if (lr === undefined) return this.baseLrs;
    if (typeof lr === 'number') return this.groups.map(() => check(lr, 'lr'));
    if (!Array.isArray(lr) || lr.length !== this.groups.length) {
      throw new ValueError(`${this.name}.step: lr must be a number or one number per parameter group (${this.groups.length}), but got ${formatValue(lr)}`);
    }
    return lr.map((v, i) => check(v, `lr[${i}]`));
  }

  /**
   * Put the parameters in evaluation mode: for a plugin with `evalParams` (Schedule-Free: the
   * averaged x instead of the training iterate y) set each group's parameters to the values it
   * returns; a no-op for other optimizers and when already in evaluation mode. The Trainer calls it
   * before evaluating and checkpointing, and {@link Optimizer.trainMode} after.
   * @returns whether any parameter changed (call `trainMode()` before the next step if so).
   * @example
   * ```ts
   * opt.evalMode(); const acc = evaluate(model); opt.trainMode();
   * ```
   */
  evalMode(): boolean {
    return this.switchMode('evalParams');
  }

  /**
   * Back to training mode after {@link Optimizer.evalMode} (a no-op when already there).
   * @returns whether any parameter changed.
   * @example
   * ```ts
   * opt.trainMode();
   * ```
   */
  trainMode(): boolean {
    return this.switchMode('trainParams');
  }

  private switchMode(hook: 'evalParams' | 'trainParams'): boolean {
    const fn = this.plugin[hook];
    if (typeof fn !== 'function') return false;
    const results = this.groups.map((g, gi) => {
      const r = fn.call(this.plugin, this.states[gi], g.params, g.options);
      const wrong = r === null ? null : checkArrays(g.params, r.values, 'value');
      if (wrong) throw new (wrong.constructor as new (m: string) => DescentError)(`${this.name}.${hook}: parameter group ${gi}: ${wrong.message}`);
      return r;
    });
    let changed = false;
    results.forEach((r, gi) => {
      if (r === null) return;
      assignParams(this.groups[gi]!.params, r.values);
      this.states[gi] = r.state;
      changed = true;
    });
    return changed;
  }

  /** Clear every parameter's gradient.
   * @example
   * ```ts
   * opt.zeroGrad();
   * ```
   */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * The optimizer's state as plain JSON-able data: step count, and per group the options (for the
   * record), the parameters' shapes and dtypes, and the plugin state with typed arrays encoded
   * exactly. A copy: later steps do not change it.
   * @example
   * ```ts
   * const saved = JSON.stringify(opt.state());
   * ```
   */
  state(): OptimizerStateDict {
    return {
      format: 'descent.optimizer/1',
      optimizer: this.name,
      step: this.steps,
      groups: this.groups.map((g, gi) => ({
        options: jsonOptions(g.options),
        params: g.params.map((p) => ({ shape: p.shape.slice(), dtype: p.dtype })),
        state: encodeState(this.states[gi], `groups[${gi}].state`),
      })),
    };
  }

  /**
   * Restore a state saved by {@link Optimizer.state} (possibly after a JSON round trip). The
   * next step is then bit-identical to the one the saved optimizer would have taken. Everything is
   * validated first — optimizer name, groups, parameter shapes and dtypes, the state's structure
   * against a fresh `init` — and nothing changes unless all of it matches. Options are not
   * loaded: they come from construction (pass the lr at each step to change it).
   * @throws StateError describing the first mismatch.
   * @example
   * ```ts
   * const opt2 = new Optimizer('adam', model.parameters(), { lr: 1e-3 });
   * opt2.loadState(JSON.parse(fs.readFileSync('opt.json', 'utf8')));
   * ```
   */
  loadState(saved: OptimizerStateDict | unknown): void {
    const s = saved as Partial<OptimizerStateDict> | null;
    const where = `${this.name}.loadState`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new StateError(`${where}: expected a saved optimizer state object, but got ${formatValue(saved, 80)}`);
    if (s.format !== 'descent.optimizer/1') throw new StateError(`${where}: expected format 'descent.optimizer/1', but got ${formatValue(s.format)}`);
    if (s.optimizer !== this.name) throw new StateError(`${where}: the state was saved by optimizer '${String(s.optimizer)}', not '${this.name}'`);
    if (!Number.isInteger(s.step) || (s.step as number) < 0) throw new StateError(`${where}: 'step' must be a non-negative integer, but got ${formatValue(s.step)}`);
    if (!Array.isArray(s.groups) || s.groups.length !== this.groups.length) {
      throw new StateError(`${where}: expected ${this.groups.length} parameter group(s), but got ${Array.isArray(s.groups) ? s.groups.length : JSON.stringify(s.groups)}`);
    }
    const states = this.groups.map((g, gi) => {
      const sg = s.groups![gi] as Partial<OptimizerStateDict['groups'][number]> | null;
      if (typeof sg !== 'object' || sg === null) throw new StateError(`${where}: group ${gi} must be an object, but got ${formatValue(sg)}`);
      if (!Array.isArray(sg.params) || sg.params.length !== g.params.length) {
        throw new StateError(`${where}: group ${gi} has ${g.params.length} parameter(s), but the state has ${Array.isArray(sg.params) ? sg.params.length : 'none'}`);
      }
      g.params.forEach((p, i) => {
        const sp = sg.params![i];
        if (!sp || !Array.isArray(sp.shape) || !sameShape(sp.shape, p.shape) || sp.dtype !== p.dtype) {
          throw new StateError(`${where}: group ${gi} parameter ${i} is ${p.dtype} ${fmt(p.shape)}, but the state has ${sp ? `${typeof sp.dtype === 'string' ? sp.dtype : `dtype ${formatValue(sp.dtype)}`} ${Array.isArray(sp.shape) ? fmt(sp.shape) : `and shape ${formatValue(sp.shape)}`}` : 'nothing'}`);
        }
      });
      const decoded = decodeState(sg.state, `groups[${gi}].state`);
      const diff = checkStateStructure(decoded, this.plugin.init(g.params, g.options), `groups[${gi}].state`);
      if (diff) throw new StateError(`${where}: the state does not fit this optimizer: ${diff}`);
      return decoded;
    });
    this.states = states;
    this.steps = s.step as number;
  }
}

/**
 * Reject two parameters that share storage — a tensor and its `detach()` alias (the same handle),
 * or, on the CPU, views whose bytes overlap in one buffer: the optimizer would update the same
 * values twice per step.
 * @throws ValueError naming both parameters.
 */
function checkDistinctStorage(groups: ReadonlyArray<readonly Tensor[]>, name: string): void {
  const label = (gi: number, i: number) => `parameter ${i}${groups.length > 1 ? ` (parameter group ${gi})` : ''}`;
  const byHandle = new Map<unknown, { label: string; shape: number[] }>();
  const byBuffer = new Map<ArrayBufferLike, Array<{ start: number; end: number; label: string; shape: number[] }>>();
  groups.forEach((params, gi) => params.forEach((p, i) => {
    if (p.handle === null || typeof p.handle !== 'object') return;
    const me = label(gi, i);
    const fail = (other: string, otherShape: readonly number[]) => {
      throw new ValueError(`${name}: ${me} (shape ${fmt(p.shape)}) shares its storage with ${other} (shape ${fmt(otherShape)}): one is a view or a detached alias of the other, so each step would update the same values twice; pass each tensor once`);
    };
    // NOTE: a handle may wrap shared storage (`handle.storage` on the gpu backend): that is compared too.
    const storage = (p.handle as { storage?: unknown }).storage ?? p.handle;
    const same = byHandle.get(p.handle) ?? byHandle.get(storage);
    if (same !== undefined) fail(same.label, same.shape);
    byHandle.set(p.handle, { label: me, shape: p.shape });
    byHandle.set(storage, { label: me, shape: p.shape });
    if (p.handle.backend !== 'cpu') return;
    const b = p.buffer();
    const start = b.byteOffset, end = b.byteOffset + b.byteLength;
    const list = byBuffer.get(b.buffer) ?? [];
    const overlap = list.find((o) => start < o.end && o.start < end);
    if (overlap) fail(overlap.label, overlap.shape);
    list.push({ start, end, label: me, shape: p.shape });
    byBuffer.set(b.buffer, list);
  }));
}

/** The options as JSON for the record: plugin objects (lookahead's inner) become their names. */
function jsonOptions(options: object): EncodedState {
  return JSON.parse(JSON.stringify(options, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { update?: unknown }).update === 'function' ? (v as { name: string }).name : v)) as EncodedState;
}

/**
 * Create an {@link Optimizer} from a registered name or a plugin, parameters (or groups) and options.
 * @example
 * ```ts
 * const opt = createOptimizer('adamw', model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * const ft = createOptimizer(adam, [{ params: body, options: { lr: 1e-5 } }, { params: head }], { lr: 1e-3 });
 * ```
 */
export function createOptimizer<O extends OptimizerOptions = OptimizerOptions>(
  optimizer: string | OptimizerPlugin<O, unknown>,
  params: readonly Tensor[] | readonly ParamGroup[],
  options: Partial<O> | Record<string, unknown> = {},
): Optimizer<O> {
  return new Optimizer<O>(optimizer, params, options);
}
