import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { BroadcastTo, Concat, GatherRows, Pad, Reshape, ScatterAddRows, Slice, Transpose } from '../kernel_names.js';
import { broadcastShapes, describe, formatShape, normalizeAxes, shapesEqual, sizeOf, validateShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor } from './convert.js';

/** A new shape for the same values; one dimension may be −1 (inferred).
 * @throws ShapeError when the sizes differ.
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'reshape');
  if (!Array.isArray(shape)) throw new ValueError(`reshape: shape must be an array, but got ${describe(shape)}`);
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1) throw new ShapeError(`reshape: at most one dimension may be -1, but got ${formatShape(shape)}`);
  let target = shape.slice();
  if (inferred === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || t.size % known !== 0) throw new ShapeError(`reshape: cannot reshape a tensor of shape ${formatShape(t.shape)} (${t.size} elements) to ${formatShape(shape)}`);
    target = shape.map((d) => (d === -1 ? t.size / known : d));
  }
  validateShape(target, 'reshape');
  if (sizeOf(target) !== t.size) {
    throw new ShapeError(`reshape: cannot reshape a tensor of shape ${formatShape(t.shape)} (${t.size} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`);
  }
  if (shapesEqual(target, t.shape)) return t;
  return runKernel(Reshape, { x: t }, { shape: target });
}

/** Flatten all axes after the first: [n, …] → [n, rest].
 * @example
 * ```ts
 * flatten(zeros([2, 3, 4])).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor): Tensor {
  const t = toTensor(x, 'x', 'flatten');
  return reshape(t, t.rank === 0 ? [1] : [t.shape[0]!, sizeOf(t.shape.slice(1))]);
}

/** Permute the axes; without `perm`, reverse them (a matrix transpose).
 * @example
 * ```ts
 * transpose(zeros([2, 3])).shape; // [3, 2]
 * ```
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'transpose');
  if (perm !== undefined && !Array.isArray(perm)) throw new ValueError(`transpose: perm must be a permutation of 0…${t.rank - 1} (an array), but got ${describe(perm)}`);
  const p = perm ? perm.slice() : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || !p.every((a) => Number.isInteger(a) && a >= -t.rank && a < t.rank) || new Set(p.map((a) => (a < 0 ? a + t.rank : a))).size !== t.rank) {
    throw new ValueError(`transpose: perm must be a permutation of 0…${t.rank - 1}, but got ${describe(perm)}`);
  }
  const norm = p.map((a) => (a < 0 ? a + t.rank : a));
  if (norm.every((a, i) => a === i)) return t;
  return runKernel(Transpose, { x: t }, { perm: norm });
}

/** Alias of {@link transpose} with a required permutation.
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  return transpose(x, perm);
}

/** Repeat values along broadcast axes to reach `shape`.
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2]), [3, 2]).shape; // [3, 2]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'broadcastTo');
  const target = validateShape(shape, 'broadcastTo');
  if (!shapesEqual(broadcastShapes(t.shape, target, 'broadcastTo'), target)) {
    throw new ShapeError(`broadcastTo: a tensor of shape ${formatShape(t.shape)} cannot be broadcast to ${formatShape(target)}`);
  }
  if (shapesEqual(t.shape, target)) return t;
  return runKernel(BroadcastTo, { x: t }, { shape: target });
}

/** A box of `x` starting at `begin` with `size` (−1 means "to the end") along each axis.
 * @example
 * ```ts
 * slice(arange(10), [2], [3]).toArray(); // [2, 3, 4]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'slice');
  if (!Array.isArray(begin) || begin.length !== t.rank) throw new ShapeError(`slice: begin must have one entry per axis (${t.rank}), but got ${describe(begin)}`);
  if (size !== undefined && !Array.isArray(size)) throw new ShapeError(`slice: size must be an array with one entry per axis (${t.rank}), but got ${describe(size)}`);
  const sz = (size ?? begin.map(() => -1)).map((s, i) => (s === -1 ? t.shape[i]! - begin[i]! : s));
  if (sz.length !== t.rank) throw new ShapeError(`slice: size must have one entry per axis (${t.rank}), but got ${describe(size)}`);
  for (let i = 0; i < t.rank; i++) {
    if (!Number.isInteger(begin[i]) || !Number.isInteger(sz[i]) || begin[i]! < 0 || sz[i]! < 0 || begin[i]! + sz[i]! > t.shape[i]!) {
      throw new ShapeError(`slice: begin ${formatShape(begin)} with size ${formatShape(sz)} is outside a tensor of shape ${formatShape(t.shape)} (axis ${i})`);
    }
  }
  if (shapesEqual(sz, t.shape)) return t;
  return runKernel(Slice, { x: t }, { begin: begin.slice(), size: sz });
}

/** Embed `x` in zeros of `shape`, starting at `before` (the adjoint of {@link slice}).
 * @example
 * ```ts
 * pad(ones([2]), [1], [4]).toArray(); // [0, 1, 1, 0]
 * ```
 */
export function pad(x: Tensor, before: readonly number[], shape: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'pad');
  const target = validateShape(shape, 'pad');
  if (!Array.isArray(before)) throw new ShapeError(`pad: before must be an array with one entry per axis (${t.rank}), but got ${describe(before)}`);
  if (before.length !== t.rank || target.length !== t.rank || before.some((b, i) => !Number.isInteger(b) || b < 0 || b + t.shape[i]! > target[i]!)) {
    throw new ShapeError(`pad: a tensor of shape ${formatShape(t.shape)} placed at ${formatShape(before)} does not fit in ${formatShape(target)}`);
  }
  return runKernel(Pad, { x: t }, { before: before.slice(), shape: target });
}

/** Join tensors along an existing axis.
 * @throws ShapeError when the other axes differ.
 * @example
 * ```ts
 * concat([ones([2, 3]), zeros([1, 3])], 0).shape; // [3, 3]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError(`concat: tensors must be a non-empty array, but got ${describe(tensors)}`);
  const ts = tensors.map((t, i) => toTensor(t, `tensors[${i}]`, 'concat'));
  const first = ts[0]!;
  if (first.rank === 0) throw new ShapeError('concat: tensors[0] is a scalar (rank 0), which has no axis to join along; use stack() to join scalars');
  const [ax] = normalizeAxes(axis, first.rank, 'concat');
  ts.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new DTypeError(`concat: tensors[${i}] is ${t.dtype} but tensors[0] is ${first.dtype}`);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ShapeError(`concat: tensors[${i}] has shape ${formatShape(t.shape)}, which does not match tensors[0] ${formatShape(first.shape)} outside axis ${ax}`);
    }
  });
  if (ts.length === 1) return first;
  const inputs: Record<string, Tensor> = {};
  ts.forEach((t, i) => { inputs[`x${i}`] = t; });
  return runKernel(Concat, inputs, { axis: ax });
}

/** Stack tensors of one shape along a new axis.
 * @example
 * ```ts
 * stack([ones([3]), zeros([3])]).shape; // [2, 3]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError(`stack: tensors must be a non-empty array, but got ${describe(tensors)}`);
  const first = toTensor(tensors[0], 'tensors[0]', 'stack');
  const [ax] = normalizeAxes(axis, first.rank + 1, 'stack');
  const expanded = tensors.map((t, i) => {
    const u = toTensor(t, `tensors[${i}]`, 'stack');
    if (!shapesEqual(u.shape, first.shape)) throw new ShapeError(`stack: tensors[${i}] has shape ${formatShape(u.shape)} but tensors[0] has ${formatShape(first.shape)}`);
    const s = u.shape.slice();
    s.splice(ax!, 0, 1);
    return reshape(u, s);
  });
  return concat(expanded, ax);
}

function checkIndices(indices: ArrayLike<number>, n: number, op: string): number[] {
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
    throw new ValueError(`${op}: indices must be an array of integers, but got ${describe(indices)}`);
  }
  const out = Array.from(indices);
  out.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new ValueError(`${op}: indices[${i}] must be an integer in [0, ${n - 1}], but got ${v}`);
  });
  return out;
}

/** Rows of `x` (along axis 0) in the order of `indices`: how mini-batches are taken.
 * @example
 * ```ts
 * gatherRows(tensor([[1], [2], [3]]), [2, 0]).toArray(); // [[3], [1]]
 * ```
 */
export function gatherRows(x: Tensor, indices: ArrayLike<number>): Tensor {
  const t = toTensor(x, 'x', 'gatherRows');
  if (t.rank === 0) throw new ShapeError('gatherRows: x must have at least one axis, but got a scalar');
  return runKernel(GatherRows, { x: t }, { indices: checkIndices(indices, t.shape[0]!, 'gatherRows') });
}

/** Add row i of `x` into row `indices[i]` of a zero tensor with `numRows` rows (the adjoint of {@link gatherRows}).
 * @example
 * ```ts
 * scatterAddRows(ones([2, 1]), [1, 1], 3).toArray(); // [[0], [2], [0]]
 * ```
 */
export function scatterAddRows(x: Tensor, indices: ArrayLike<number>, numRows: number): Tensor {
  const t = toTensor(x, 'x', 'scatterAddRows');
  if (!Number.isInteger(numRows) || numRows < 0) throw new ValueError(`scatterAddRows: numRows must be a non-negative integer, but got ${describe(numRows)}`);
  const idx = checkIndices(indices, numRows, 'scatterAddRows');
  if (t.rank === 0 || idx.length !== t.shape[0]) throw new ShapeError(`scatterAddRows: x must have one row per index (${idx.length}), but has shape ${formatShape(t.shape)}`);
  return runKernel(ScatterAddRows, { x: t }, { indices: idx, numRows });
}
