/**
 * The {@link Module} base class: a tree of layers that owns parameters (trained tensors) and
 * buffers (non-trained state such as BatchNorm's running statistics).
 *
 * @module
 */
import { DTypeError, ShapeError, StateError, Tensor, ValueError, describe, formatShape, keep, tensor, type Rng } from '@descent/tensor';

/** Whether a value is a random generator whose state can be saved (an `Rng`, or anything with
 * `getState`, `setState` and `uniform`).
 * @example
 * ```ts
 * isGenerator(new Rng(0)); // true
 * ```
 */
export const isGenerator = (v: unknown): v is Rng =>
  v !== null && typeof v === 'object' && typeof (v as Rng).getState === 'function' && typeof (v as Rng).setState === 'function' && typeof (v as Rng).uniform === 'function';

/** Any module, whatever its forward signature (the element type of child lists).
 * @example
 * ```ts
 * const layers: AnyModule[] = [new Linear(2, 3, { rng }), new CrossEntropyLoss()];
 * ```
 */
// NOTE: methods are bivariant in their parameters, so every Module<A, O> is assignable to this.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], unknown>;

/** A state dict: parameter and buffer values by dotted name (`'0.weight'`, `'1.runningMean'`).
 * @example
 * ```ts
 * const state: StateDict = model.stateDict();
 * ```
 */
export type StateDict = Record<string, Tensor>;

/** Options of {@link Module.loadStateDict}.
 * @example
 * ```ts
 * model.loadStateDict(state, { strict: false }); // ignore missing and unexpected names
 * ```
 */
export interface LoadStateDictOptions {
  /** When true (default) missing and unexpected names are errors; wrong shapes and dtypes always are. */
  strict?: boolean;
}

const NAME = /^[A-Za-z0-9_]+$/;

function clone(t: Tensor): Tensor {
  return tensor(t.data(), { shape: t.shape, dtype: t.dtype });
}

/**
 * Base class of every layer, loss and model.
 *
 * **Calling a module.** Subclasses implement {@link Module.forward}; users call
 * {@link Module.call} (`model.call(x)`), the one public entry point. `call` is where hooks would run
 * (as PyTorch's `__call__` wraps `forward`); today it forwards the arguments unchanged. Modules are
 * plain objects, not functions: to pass one where a function is expected write `(x) => model.call(x)`.
 *
 * **Parameters, buffers and children** are registered by name with {@link Module.registerParameter},
 * {@link Module.registerBuffer} and {@link Module.registerModule}, and read back with
 * {@link Module.getParameter}/{@link Module.setParameter} (layers expose them as properties such as
 * `linear.weight`). Names are recursive and dotted in registration order: a module's own parameters,
 * then its own buffers, then each child's entries under `childName.` (`'0.weight'`, `'0.bias'`, …).
 *
 * **Modes.** `training` is a property of each module; {@link Module.train} and {@link Module.eval} set
 * it on the whole subtree (no global flag, so tests do not depend on their order).
 *
 * @example
 * ```ts
 * import { Rng, tensor, type Tensor } from '@descent/tensor';
 * import { Module, Linear } from '@descent/layers';
 *
 * class TwoLayer extends Module {
 *   readonly fc1: Linear;
 *   readonly fc2: Linear;
 *   constructor(rng: Rng) {
 *     super();
 *     this.fc1 = this.registerModule('fc1', new Linear(2, 4, { rng }));
 *     this.fc2 = this.registerModule('fc2', new Linear(4, 1, { rng }));
 *   }
 *   forward(x: Tensor): Tensor { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 * const model = new TwoLayer(new Rng(0));
 * model.call(tensor([[1, 2]])).shape;             // [1, 1]
 * model.namedParameters().map(([name]) => name);  // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module<Args extends unknown[] = [Tensor], Out = Tensor> {
  /** Whether the module is in training mode (true after construction). Set with {@link Module.train}/{@link Module.eval}. */
  training = true;
  readonly #parameters = new Map<string, Tensor | null>();
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #children = new Map<string, AnyModule>();

  /** The computation of the module. Implement it in subclasses; call the module with {@link Module.call}.
   * @example
   * ```ts
   * class Double extends Module { forward(x: Tensor) { return x.mul(2); } }
   * ```
   */
  abstract forward(...args: Args): Out;

  /** Run the module on its inputs (the public way to apply a module).
   * @example
   * ```ts
   * const y = model.call(x);
   * ```
   */
  call(...args: Args): Out {
    return this.forward(...args);
  }

  // ── registration ────────────────────────────────────────────────────────────

  #checkNewName(name: string, what: string): void {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new ValueError(`${this.constructor.name}.${what}: name must be a non-empty string of letters, digits and '_' (no '.'), but got ${describe(name)}`);
    }
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new ValueError(`${this.constructor.name}.${what}: the name '${name}' is already registered`);
    }
  }

  /** Register a trained tensor under `name` (marked `requireGrad()`); `null` declares an absent optional parameter.
   * Returns the tensor, kept (no `tidy` scope disposes it, even frozen).
   * @throws ValueError for a bad or duplicate name, or a tensor that is not a leaf.
   * @example
   * ```ts
   * this.registerParameter('scale', ones([3]));
   * ```
   */
  protected registerParameter<T extends Tensor | null>(name: string, value: T): T {
    this.#checkNewName(name, 'registerParameter');
    if (value !== null) keep(this.#checkParameter(name, value, 'registerParameter').requireGrad(true));
    this.#parameters.set(name, value);
    return value;
  }

  /** Register non-trained state (running statistics, counters) under `name`: saved in the state dict,
   * never returned by {@link Module.parameters}. Returns the tensor, kept (no `tidy` scope disposes it).
   * @throws ValueError for a bad or duplicate name.
   * @example
   * ```ts
   * this.registerBuffer('runningMean', zeros([3]));
   * ```
   */
  protected registerBuffer<T extends Tensor | null>(name: string, value: T): T {
    this.#checkNewName(name, 'registerBuffer');
    if (value !== null && !(value instanceof Tensor)) {
      throw new ValueError(`${this.constructor.name}.registerBuffer: buffer '${name}' must be a Tensor or null, but got ${describe(value)}`);
    }
    if (value !== null) keep(value);
    this.#buffers.set(name, value);
    return value;
  }

  /** Register a child module under `name`; its entries appear as `name.…`. Returns the child.
   * @throws ValueError for a bad or duplicate name, or a value that is not a Module.
   * @example
   * ```ts
   * this.fc = this.registerModule('fc', new Linear(4, 2, { rng }));
   * ```
   */
  protected registerModule<M extends AnyModule>(name: string, module: M): M {
    this.#checkNewName(name, 'registerModule');
    if (!(module instanceof Module)) {
      throw new ValueError(`${this.constructor.name}.registerModule: child '${name}' must be a Module, but got ${describe(module)}`);
    }
    this.#children.set(name, module);
    return module;
  }

  #checkParameter(name: string, value: unknown, op: string): Tensor {
    if (!(value instanceof Tensor)) {
      throw new ValueError(`${this.constructor.name}.${op}: parameter '${name}' must be a Tensor, but got ${describe(value)}`);
    }
    if (!value.isLeaf) {
      throw new ValueError(`${this.constructor.name}.${op}: parameter '${name}' must be a leaf tensor (not the result of an op); use .detach()`);
    }
    return value;
  }

  /** This module's own parameter `name` (not a child's), or null when registered as absent.
   * @throws ValueError when no parameter has that name.
   * @example
   * ```ts
   * linear.getParameter('weight') === linear.weight; // true
   * ```
   */
  getParameter(name: string): Tensor | null {
    if (!this.#parameters.has(name)) {
      throw new ValueError(`${this.constructor.name}.getParameter: no parameter '${name}'. Parameters: ${[...this.#parameters.keys()].join(', ') || '(none)'}`);
    }
    return this.#parameters.get(name)!;
  }

  /** Replace this module's own parameter `name` by another leaf tensor of the same shape and dtype
   * (sharing weights, or feeding given tensors so their `.grad` is filled). The new tensor is marked `requireGrad()`.
   * @throws ValueError for an unknown name or a non-leaf; ShapeError / DTypeError when shape or dtype differ.
   * @example
   * ```ts
   * const gamma = ones([6], { dtype: 'float64' }).requireGrad();
   * layerNorm.setParameter('weight', gamma); // now layerNorm.weight === gamma
   * ```
   */
  setParameter(name: string, value: Tensor): void {
    const old = this.getParameter(name);
    const t = this.#checkParameter(name, value, 'setParameter');
    if (old) {
      if (old.shape.length !== t.shape.length || old.shape.some((d, i) => d !== t.shape[i])) {
        throw new ShapeError(`${this.constructor.name}.setParameter: parameter '${name}' has shape ${formatShape(old.shape)}, but got a tensor of shape ${formatShape(t.shape)}`);
      }
      if (old.dtype !== t.dtype) {
        throw new DTypeError(`${this.constructor.name}.setParameter: parameter '${name}' is ${old.dtype}, but got a ${t.dtype} tensor`);
      }
    }
    keep(t.requireGrad(true));
    this.#parameters.set(name, t);
  }

  /** This module's own buffer `name`, or null when registered as absent.
   * @throws ValueError when no buffer has that name.
   * @example
   * ```ts
   * bn.getBuffer('runningMean');
   * ```
   */
  getBuffer(name: string): Tensor | null {
    if (!this.#buffers.has(name)) {
      throw new ValueError(`${this.constructor.name}.getBuffer: no buffer '${name}'. Buffers: ${[...this.#buffers.keys()].join(', ') || '(none)'}`);
    }
    return this.#buffers.get(name)!;
  }

  // ── traversal ───────────────────────────────────────────────────────────────

  /** The direct children with their names, in registration order.
   * @example
   * ```ts
   * model.namedChildren().map(([name]) => name); // ['0', '1', '2']
   * ```
   */
  namedChildren(): Array<[string, AnyModule]> {
    return [...this.#children.entries()];
  }

  /** The direct children, in registration order.
   * @example
   * ```ts
   * for (const child of model.children()) console.log(child.constructor.name);
   * ```
   */
  children(): AnyModule[] {
    return [...this.#children.values()];
  }

  /** This module and every descendant, depth first, with dotted names (`''` for this module).
   * @example
   * ```ts
   * model.namedModules().map(([name]) => name); // ['', '0', '1']
   * ```
   */
  namedModules(prefix = ''): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [[prefix, this as AnyModule]];
    for (const [name, child] of this.#children) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module and every descendant, depth first.
   * @example
   * ```ts
   * model.modules().filter((m) => m instanceof Dropout).length;
   * ```
   */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The submodule at a dotted path (`'0'`, `'encoder.fc1'`).
   * @throws ValueError when no child has that path.
   * @example
   * ```ts
   * model.getModule('0').freeze();
   * ```
   */
  getModule(path: string): AnyModule {
    let m: AnyModule = this as AnyModule;
    for (const part of String(path).split('.')) {
      const next = m.#children.get(part);
      if (!next) {
        throw new ValueError(`${this.constructor.name}.getModule: no submodule '${path}' ('${part}' is not a child of ${m.constructor.name}; children: ${[...m.#children.keys()].join(', ') || '(none)'})`);
      }
      m = next;
    }
    return m;
  }

  #named(kind: 'parameters' | 'buffers', prefix: string, seen: Set<number>, out: Array<[string, Tensor]>): void {
    const own = kind === 'parameters' ? this.#parameters : this.#buffers;
    for (const [name, t] of own) {
      if (t === null || seen.has(t.id)) continue;
      seen.add(t.id);
      out.push([prefix + name, t]);
    }
    for (const [name, child] of this.#children) child.#named(kind, `${prefix}${name}.`, seen, out);
  }

  /** Every parameter of the tree with its dotted name, each tensor once (shared weights appear under their first name).
   * Frozen parameters are included (see {@link Module.trainableParameters}).
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3, { rng })).namedParameters().map(([n, p]) => [n, p.shape]);
   * // [['0.weight', [2, 3]], ['0.bias', [3]]]
   * ```
   */
  namedParameters(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    this.#named('parameters', '', new Set(), out);
    return out;
  }

  /** Every parameter of the tree, in {@link Module.namedParameters} order.
   * @example
   * ```ts
   * const params = model.parameters();
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The parameters that currently require grad (not frozen).
   * @example
   * ```ts
   * model.getModule('0').freeze();
   * model.trainableParameters().length; // the parameters of the other layers
   * ```
   */
  trainableParameters(): Tensor[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }

  /** Every buffer of the tree with its dotted name.
   * @example
   * ```ts
   * new Sequential(new BatchNorm1d(3)).namedBuffers().map(([n]) => n);
   * // ['0.runningMean', '0.runningVar', '0.numBatchesTracked']
   * ```
   */
  namedBuffers(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    this.#named('buffers', '', new Set(), out);
    return out;
  }

  /** Every buffer of the tree.
   * @example
   * ```ts
   * bn.buffers().length; // 3
   * ```
   */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Every random generator the tree's modules hold as a property (Dropout's `rng`, …), by dotted
   * name, each once (a generator shared by two modules is listed under its first name). Checkpoints
   * save and restore their states so a resumed run draws the same masks.
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3, { rng }), new Dropout(0.5, { rng: rng.split() })).namedGenerators().map(([n]) => n);
   * // ['1.rng']
   * ```
   */
  namedGenerators(): Array<[string, Rng]> {
    const out: Array<[string, Rng]> = [];
    const seen = new Set<Rng>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, value] of Object.entries(m)) {
        if (!isGenerator(value) || seen.has(value)) continue;
        seen.add(value);
        out.push([prefix ? `${prefix}.${key}` : key, value]);
      }
    }
    return out;
  }

  /** The number of parameter values (elements) in the tree.
   * @example
   * ```ts
   * new Linear(2, 3, { rng }).numParameters(); // 9
   * ```
   */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  // ── modes ───────────────────────────────────────────────────────────────────

  /** Set training mode (default) or evaluation mode on this module and all descendants. Returns this.
   * @example
   * ```ts
   * model.train();       // dropout active, BatchNorm uses batch statistics
   * model.train(false);  // same as eval()
   * ```
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ValueError(`${this.constructor.name}.train: mode must be a boolean, but got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Set evaluation mode on this module and all descendants (dropout off, BatchNorm uses running statistics). Returns this.
   * @example
   * ```ts
   * const y = model.eval().call(x);
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /** Stop training every parameter of this subtree (`requiresGrad = false`), for fine-tuning: no
   * gradient is computed for them, so optimizers that skip parameters without `.grad` leave them unchanged. Returns this.
   * @example
   * ```ts
   * model.getModule('0').freeze(); // train only the later layers
   * ```
   */
  freeze(): this {
    for (const p of this.parameters()) p.requireGrad(false);
    return this;
  }

  /** Undo {@link Module.freeze}: every parameter of this subtree requires grad again. Returns this.
   * @example
   * ```ts
   * model.unfreeze();
   * ```
   */
  unfreeze(): this {
    for (const p of this.parameters()) p.requireGrad(true);
    return this;
  }

  /** Clear `.grad` of every parameter of the tree.
   * @example
   * ```ts
   * model.zeroGrad();
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  // ── state ───────────────────────────────────────────────────────────────────

  /** A copy of every parameter and buffer by dotted name (parameters then buffers of each module,
   * then its children). The tensors are copies: training afterwards does not change them, so a
   * state dict is a snapshot you can load back later.
   * @example
   * ```ts
   * const best = model.stateDict();
   * // … train …
   * model.loadStateDict(best);
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    this.#stateEntries('', out, (t) => clone(t));
    return out;
  }

  #stateEntries(prefix: string, out: StateDict, map: (t: Tensor) => Tensor): void {
    for (const [name, t] of this.#parameters) if (t) out[prefix + name] = map(t);
    for (const [name, t] of this.#buffers) if (t) out[prefix + name] = map(t);
    for (const [name, child] of this.#children) child.#stateEntries(`${prefix}${name}.`, out, map);
  }

  /** Copy values from a state dict into the parameters and buffers (in place, with `Tensor.assign`).
   *
   * Everything is validated before anything is written: on any mismatch a StateError lists **all**
   * missing, unexpected, mis-shaped and mis-typed entries, and the model is left unchanged.
   * @throws StateError on any mismatch.
   * @example
   * ```ts
   * model.loadStateDict({ '0.weight': w, '0.bias': b });
   * ```
   */
  loadStateDict(state: StateDict, options: LoadStateDictOptions = {}): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ValueError(`${where}: options must be an object such as { strict: false }, but got ${describe(options)}`);
    }
    const strict = options.strict ?? true;
    if (typeof strict !== 'boolean') throw new ValueError(`${where}: options.strict must be a boolean, but got ${describe(strict)}`);
    if (state === null || typeof state !== 'object' || Array.isArray(state) || state instanceof Tensor) {
      throw new StateError(`${where}: state must be an object mapping names to tensors, but got ${describe(state)}`);
    }
    const targets: StateDict = {};
    this.#stateEntries('', targets, (t) => t);
    const missing: string[] = [];
    const wrongType: string[] = [];
    const wrongShape: string[] = [];
    const wrongDtype: string[] = [];
    for (const [name, target] of Object.entries(targets)) {
      if (!Object.prototype.hasOwnProperty.call(state, name)) { missing.push(name); continue; }
      const value: unknown = state[name];
      if (!(value instanceof Tensor)) { wrongType.push(`${name} (expected a Tensor, got ${describe(value)})`); continue; }
      if (value.shape.length !== target.shape.length || value.shape.some((d, i) => d !== target.shape[i])) {
        wrongShape.push(`${name} (model ${formatShape(target.shape)}, state ${formatShape(value.shape)})`);
      } else if (value.dtype !== target.dtype) {
        wrongDtype.push(`${name} (model ${target.dtype}, state ${value.dtype})`);
      }
    }
    const unexpected = Object.keys(state).filter((k) => !Object.prototype.hasOwnProperty.call(targets, k));
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`missing: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`unexpected: ${unexpected.join(', ')}`);
    if (wrongShape.length) problems.push(`wrong shape: ${wrongShape.join(', ')}`);
    if (wrongDtype.length) problems.push(`wrong dtype: ${wrongDtype.join(', ')}`);
    if (wrongType.length) problems.push(`not a tensor: ${wrongType.join(', ')}`);
    if (problems.length) {
      throw new StateError(`${where}: the state does not match the model (nothing was loaded):\n  ${problems.join('\n  ')}`);
    }
    for (const [name, target] of Object.entries(targets)) {
      if (Object.prototype.hasOwnProperty.call(state, name)) target.assign(state[name]!);
    }
  }

  // ── display ─────────────────────────────────────────────────────────────────

  /** A one-line description of this module's configuration, shown by {@link Module.toString}. Override in subclasses.
   * @example
   * ```ts
   * new Linear(2, 3, { rng }).extraRepr(); // 'in=2, out=3, bias=true, float32'
   * ```
   */
  extraRepr(): string {
    return '';
  }

  /** The module tree, one line per module (like PyTorch's `repr`).
   * @example
   * ```ts
   * String(new Sequential(new Linear(2, 3, { rng }), new ReLU()));
   * // Sequential(
   * //   (0): Linear(in=2, out=3, bias=true, float32)
   * //   (1): ReLU()
   * // )
   * ```
   */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this.#children.size === 0) return `${head})`;
    const lines = [...this.#children].map(([name, child]) => `  (${name}): ${String(child).split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
