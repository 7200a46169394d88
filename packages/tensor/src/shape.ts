import { ShapeError, ValueError } from './errors.js';
import { checkSize } from './storage.js';
import type { Shape } from './types.js';

/** Render a shape the way error messages show it: `[2,3]`.
 * @example
 * ```ts
 * formatShape([2, 3]); // '[2,3]'
 * ```
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Number of elements of a shape (1 for a scalar).
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape.
 * @example
 * ```ts
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]!; }
  return strides;
}

/** Whether two shapes are identical.
 * @example
 * ```ts
 * shapesEqual([2, 3], [2, 3]); // true
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Check a shape given by a user: an array of non-negative integers with at most {@link MAX_ELEMENTS} elements in all.
 * @throws ValueError for a bad dimension; SizeLimitError for too many elements.
 * @example
 * ```ts
 * validateShape([2, 3], 'zeros'); // ok
 * validateShape([2, -1], 'zeros'); // ValueError
 * ```
 */
export function validateShape(shape: unknown, op: string, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new ValueError(`${op}: ${arg} must be an array of non-negative integers, but got ${describe(shape)}`);
  }
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: ${arg}[${i}] must be a non-negative integer, but got ${describe(d)}`);
    }
  });
  checkSize(sizeOf(shape), op, `${arg} ${formatShape(shape)}`);
  return shape.slice() as number[];
}

/** NumPy broadcasting of two shapes.
 * @throws ShapeError naming both shapes when they are incompatible.
 * @example
 * ```ts
 * broadcastShapes([2, 1, 3], [4, 1], 'add'); // [2, 4, 3]
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The axes of `outShape` along which a tensor of `inShape` was broadcast, i.e. the axes to sum
 * a gradient over to bring it back to `inShape` (leading axes and size-1 axes).
 * @example
 * ```ts
 * broadcastedAxes([3], [2, 3]); // [0]
 * broadcastedAxes([2, 1], [2, 3]); // [1]
 * ```
 */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const lead = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead) axes.push(i);
    else if (inShape[i - lead] === 1 && outShape[i] !== 1) axes.push(i);
  }
  return axes;
}

/** Normalise an axis argument (a number, an array, or undefined for all axes) against a rank;
 * negative axes count from the end. Returns the axes sorted.
 * @throws ValueError when an axis is out of range or given twice (`[1, 1]`, or `[1, -1]` on a matrix).
 * @example
 * ```ts
 * normalizeAxes(-1, 3, 'sum'); // [2]
 * normalizeAxes(undefined, 2, 'sum'); // [0, 1]
 * ```
 */
export function normalizeAxes(axes: number | readonly number[] | undefined | null, rank: number, op: string): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  if (!Array.isArray(list)) throw new ValueError(`${op}: axis must be an integer or an array of integers, but got ${describe(axes)}`);
  const out = new Set<number>();
  for (const ax of list) {
    if (rank === 0) throw new ValueError(`${op}: the tensor is a scalar (rank 0) and has no axis ${describe(ax)}`);
    if (typeof ax !== 'number' || !Number.isInteger(ax) || ax < -rank || ax >= rank) {
      throw new ValueError(`${op}: axis must be an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${rank}, but got ${describe(ax)}`);
    }
    const axis = ax < 0 ? ax + rank : ax;
    if (out.has(axis)) {
      throw new ValueError(`${op}: axis ${axis} appears more than once in ${describe(axes)} (a tensor of rank ${rank}); each axis may be given once`);
    }
    out.add(axis);
  }
  return [...out].sort((x, y) => x - y);
}

/** The shape after reducing `axes`, keeping them as size 1 when `keepDims`.
 * @example
 * ```ts
 * reducedShape([2, 3, 4], [1], false); // [2, 4]
 * ```
 */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** A short description of a value for error messages: type and, for small values, the value.
 * @example
 * ```ts
 * describe('abc'); // "'abc' (string)"
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}' (string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    const s = JSON.stringify(value);
    return s !== undefined && s.length <= 60 ? s : `an array of length ${value.length}`;
  }
  if (typeof value === 'function') return 'a function';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}
