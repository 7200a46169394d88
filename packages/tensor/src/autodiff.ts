import { isGradEnabled, noGrad } from './engine.js';
import { DTypeError, GradientError, SavedTensorModifiedError, ValueError } from './errors.js';
import { getGradient } from './kernel_registry.js';
import { checkOptions } from './options.js';
import { add, mul } from './ops/arithmetic.js';
import { onesLike, zerosLike } from './ops/creation.js';
import { reshape } from './ops/shape.js';
import { sum } from './ops/reduce.js';
import { broadcastedAxes, describe, formatShape, shapesEqual } from './shape.js';
import { Tensor, type GraphNode } from './tensor.js';

/** Options of backpropagation.
 * @example
 * ```ts
 * loss.backward({ retainGraph: true });
 * ```
 */
export interface BackwardOptions {
  /** The gradient of the output (required unless the output is a scalar; defaults to 1). */
  seed?: Tensor;
  /** Keep the graph so `backward` can run through it again (default false: a second backward is an error, as in PyTorch). */
  retainGraph?: boolean;
}

const BACKWARD_OPTIONS = { seed: 'any', retainGraph: 'boolean' } as const;

/** Every tensor between `y` and the leaves, in topological order (inputs before outputs). */
function topologicalOrder(y: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<number>();
  const stack: Array<[Tensor, boolean]> = [[y, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) { order.push(t); continue; }
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push([t, true]);
    if (t.node) for (const name in t.node.inputs) {
      const x = t.node.inputs[name]!;
      if (x.requiresGrad && !seen.has(x.id)) stack.push([x, false]);
    }
  }
  return order;
}

/** Sum a gradient over the axes its input was broadcast along, so it has the input's shape.
 * This is the one place broadcasting is undone; gradient rules never do it themselves. */
function unbroadcast(g: Tensor, x: Tensor, kernelName: string, input: string): Tensor {
  if (shapesEqual(g.shape, x.shape)) return g;
  const axes = broadcastedAxes(x.shape, g.shape);
  const reduced = axes.length ? sum(g, axes, { keepDims: true }) : g;
  if (reduced.size !== x.size) {
    throw new GradientError(`backward: the gradient rule of '${kernelName}' gave input '${input}' a gradient of shape ${formatShape(g.shape)}, which does not match (or broadcast to) the input's shape ${formatShape(x.shape)}`);
  }
  return reshape(reduced, x.shape);
}

/** An integer compare per saved tensor: the versions recorded in the forward pass against today's. */
function checkVersions(node: GraphNode, output: Tensor): void {
  const saved = node.versions;
  let i = 0;
  for (const name in node.inputs) {
    const x = node.inputs[name]!;
    const then = saved === null ? 0 : saved[i]!;
    if (x.version !== then) throw modified(`input '${name}'`, x, then, node.kernelName);
    i++;
  }
  const then = saved === null ? 0 : saved[i]!;
  if (output.version !== then) throw modified('the output', output, then, node.kernelName);
}

function modified(what: string, t: Tensor, then: number, kernelName: string): SavedTensorModifiedError {
  return new SavedTensorModifiedError(`backward: ${what} of '${kernelName}' (a ${t.dtype} tensor of shape ${formatShape(t.shape)}) was modified in place after the forward pass used it: it is at version ${t.version}, expected version ${then}. Its gradient would be computed from the new values; run the forward pass again after the write (or write into a copy)`);
}

/** Tensors in `xs` that do not require grad but that `y` depends on (an input of a recorded call):
 * their gradient cannot be computed, as in PyTorch ("One of the differentiated Tensors does not require grad"). */
function checkDifferentiable(y: Tensor, xs: readonly Tensor[]): void {
  const frozen = new Map<number, number>();
  xs.forEach((x, i) => { if (!x.requiresGrad && !frozen.has(x.id)) frozen.set(x.id, i); });
  if (frozen.size === 0) return;
  const seen = new Set<number>();
  const stack = [y];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id) || !t.node) continue;
    seen.add(t.id);
    for (const name in t.node.inputs) {
      const x = t.node.inputs[name]!;
      const i = frozen.get(x.id);
      if (i !== undefined) {
        throw new GradientError(`gradients: xs[${i}] does not require grad, but the output depends on it (input '${name}' of '${t.node.kernelName}'): one of the differentiated tensors does not require grad. Mark it with requireGrad() before the forward pass, or leave it out of xs`);
      }
      stack.push(x);
    }
  }
}

/**
 * Backpropagate from `y` and return the gradient of each requested tensor (without touching `.grad`).
 * A tensor of `xs` that `y` does not depend on gets zeros (PyTorch's `allow_unused=True,
 * materialize_grads=True`); one that `y` depends on but that does not require grad is an error, as in PyTorch.
 *
 * @throws GradientError for a non-scalar `y` without a seed, a kernel with no gradient rule, a graph
 * already freed by an earlier backward, or a tensor of `xs` that `y` uses but that does not require grad;
 * SavedTensorModifiedError when a tensor the forward pass used was modified in place since.
 * @example
 * ```ts
 * const [gw] = gradients(loss, [w]);
 * ```
 */
export function gradients(y: Tensor, xs: readonly Tensor[], options: BackwardOptions = {}): Tensor[] {
  if (!Array.isArray(xs)) throw new ValueError(`gradients: xs must be an array of Tensors, but got ${describe(xs)}`);
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError(`gradients: xs[${i}] must be a Tensor, but got ${describe(x)}`);
  });
  if (y instanceof Tensor) checkDifferentiable(y, xs);
  const grads = backpropagate(y, options, new Set(xs.map((x) => x.id)));
  return xs.map((x) => grads.get(x.id) ?? noGrad(() => zerosLike(x)));
}

function backpropagate(y: Tensor, options: BackwardOptions, keep: Set<number>): Map<number, Tensor> {
  if (!(y instanceof Tensor)) throw new ValueError(`backward: the output must be a Tensor, but got ${describe(y)}`);
  checkOptions(options, BACKWARD_OPTIONS, 'backward');
  if (options.seed !== undefined && !(options.seed instanceof Tensor)) {
    throw new ValueError(`backward: the seed gradient must be a Tensor of the output's shape ${formatShape(y.shape)}, but got ${describe(options.seed)}`);
  }
  if (!y.requiresGrad) {
    throw new GradientError('backward: the output does not require grad: no input of its computation was marked with requireGrad() (or it was computed inside noGrad)');
  }
  let seed = options.seed;
  if (seed === undefined) {
    if (y.size !== 1) throw new GradientError(`backward: the output has shape ${formatShape(y.shape)}; a seed gradient is required unless the output is a scalar`);
    seed = onesLike(y);
  } else if (!shapesEqual(seed.shape, y.shape)) {
    throw new GradientError(`backward: the seed gradient has shape ${formatShape(seed.shape)} but the output has shape ${formatShape(y.shape)}`);
  } else if (seed.dtype !== y.dtype) {
    throw new DTypeError(`backward: the seed gradient is ${seed.dtype} but the output is ${y.dtype}`);
  }
  const order = topologicalOrder(y);
  for (const t of order) {
    if (t.node?.freed) {
      throw new GradientError('backward: the graph was already freed by an earlier backward(); pass { retainGraph: true } to the first call to backpropagate twice');
    }
  }
  const grads = new Map<number, Tensor>([[y.id, seed]]);
  const done: GraphNode[] = [];
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const node = t.node;
      const dy = grads.get(t.id);
      if (!node || !dy) continue;
      checkVersions(node, t);
      const config = getGradient(node.kernelName);
      if (!config) throw new GradientError(`backward: gradient function not found for ${node.kernelName}; a custom kernel needs registerGradient({ kernelName: '${node.kernelName}', gradFunc }) to be differentiated`);
      const thunks = config.gradFunc(dy, { inputs: node.inputs, output: t, attrs: node.attrs });
      for (const name in node.inputs) {
        const x = node.inputs[name]!;
        if (!x.requiresGrad) continue;
        const thunk = thunks[name];
        if (!thunk) throw new GradientError(`backward: the gradient rule of '${node.kernelName}' gives no gradient for input '${name}', which requires grad`);
        const g = unbroadcast(thunk(), x, node.kernelName, name);
        if (g.dtype !== x.dtype) throw new GradientError(`backward: the gradient rule of '${node.kernelName}' gave input '${name}' a ${g.dtype} gradient, but the input is ${x.dtype}`);
        const prev = grads.get(x.id);
        grads.set(x.id, prev ? add(prev, g) : g);
      }
      done.push(node);
      if (!keep.has(t.id)) grads.delete(t.id); // intermediate gradients are not kept
    }
  });
  // NOTE: freed only once the whole pass succeeded, so a failed backward can be retried.
  if (!options.retainGraph) for (const node of done) node.freed = true;
  return grads;
}

/**
 * Backpropagate from `y` and accumulate into `.grad` of every leaf that requires grad (PyTorch's
 * `loss.backward()`): gradients add up across calls until `zeroGrad()`.
 *
 * @throws GradientError as {@link gradients}; SavedTensorModifiedError when a tensor the forward pass
 * used was modified in place since (e.g. `w.assign(…)` or an optimizer step between forward and backward).
 * @example
 * ```ts
 * const w = randn([3], new Rng(0)).requireGrad();
 * backward(w.mul(w).sum());
 * w.grad; // 2w
 * ```
 */
export function backward(y: Tensor, options: BackwardOptions = {}): void {
  if (!(y instanceof Tensor)) throw new ValueError(`backward: the output must be a Tensor, but got ${describe(y)}`);
  const leaves = topologicalOrder(y).filter((t) => t.isLeaf && t.requiresGrad);
  const grads = backpropagate(y, options, new Set(leaves.map((t) => t.id)));
  // Rules pass gradients through unchanged (Add, BroadcastTo) or as views (Reshape), so two leaves,
  // or a leaf and the caller's seed, can receive the same storage. Each `.grad` gets storage of its
  // own, as PyTorch's AccumulateGrad does, so writing into one cannot change another.
  const taken = new Set<unknown>();
  const storage = (t: Tensor): unknown => (t.handle.backend === 'cpu' ? t.buffer() : t.handle);
  if (options?.seed instanceof Tensor) taken.add(storage(options.seed));
  noGrad(() => {
    for (const leaf of leaves) {
      let g = grads.get(leaf.id);
      if (!g) continue;
      if (leaf.grad) { leaf.grad = add(leaf.grad, g); continue; }
      if (taken.has(storage(g))) g = mul(g, 1);
      taken.add(storage(g));
      leaf.grad = g;
    }
  });
}

/** Make fresh leaves requiring grad that share the inputs' storage. */
function asLeaves(xs: readonly Tensor[], op: string): Tensor[] {
  return xs.map((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError(`${op}: argument ${i} must be a Tensor, but got ${describe(x)}`);
    return x.detach().requireGrad();
  });
}

function checkScalar(value: unknown, op: string): Tensor {
  if (!(value instanceof Tensor)) throw new ValueError(`${op}: f must return a Tensor, but returned ${describe(value)}`);
  if (value.size !== 1) throw new GradientError(`${op}: f must return a scalar, but returned shape ${formatShape(value.shape)}`);
  return value;
}

/** The result of {@link valueAndGrads}.
 * @example
 * ```ts
 * const { value, grads }: ValueAndGrads = valueAndGrads(f)(x, y);
 * ```
 */
export interface ValueAndGrads {
  /** f(x…), detached from the graph. */
  value: Tensor;
  /** ∂f/∂xᵢ for each argument, in order. */
  grads: Tensor[];
}

/**
 * `f ↦ (x₁…xₙ) ↦ {value: f(x…), grads: [∂f/∂xᵢ]}` for a scalar-valued `f` (tfjs `valueAndGrads`, JAX `value_and_grad`).
 * @example
 * ```ts
 * const { value, grads } = valueAndGrads((a, b) => a.mul(b).sum())(x, y);
 * ```
 */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => ValueAndGrads {
  if (typeof f !== 'function') throw new ValueError(`valueAndGrads: f must be a function, but got ${describe(f)}`);
  return (...xs) => {
    if (!isGradEnabled()) throw new GradientError('valueAndGrads: cannot differentiate inside noGrad()');
    const leaves = asLeaves(xs, 'valueAndGrads');
    const value = checkScalar(f(...leaves), 'valueAndGrads');
    if (!value.requiresGrad) return { value, grads: leaves.map((l) => noGrad(() => zerosLike(l))) };
    return { value: value.detach(), grads: gradients(value, leaves) };
  };
}

/** `f ↦ x ↦ ∂f/∂x` for a scalar-valued `f` of one tensor.
 * @example
 * ```ts
 * grad((x) => x.mul(x).sum())(tensor([1, 2])).toArray(); // [2, 4]
 * ```
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  const vg = valueAndGrads((x) => f(x));
  return (x) => vg(x).grads[0]!;
}

/** `f ↦ (x₁…xₙ) ↦ [∂f/∂xᵢ]`.
 * @example
 * ```ts
 * const [ga, gb] = grads((a, b) => a.mul(b).sum())(a, b);
 * ```
 */
export function grads(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrads(f);
  return (...xs) => vg(...xs).grads;
}

/** The result of {@link valueAndGrad}.
 * @example
 * ```ts
 * const { value, grad }: ValueAndGrad = valueAndGrad((x) => x.sum())(x);
 * ```
 */
export interface ValueAndGrad {
  /** f(x), detached from the graph. */
  value: Tensor;
  /** ∂f/∂x. */
  grad: Tensor;
}

/** `f ↦ x ↦ {value, grad}` for one tensor.
 * @example
 * ```ts
 * const { value, grad } = valueAndGrad((x) => x.square().sum())(x);
 * ```
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor) => ValueAndGrad {
  const vg = valueAndGrads((x) => f(x));
  return (x) => {
    const r = vg(x);
    return { value: r.value, grad: r.grads[0]! };
  };
}
