/** The element types a tensor can hold. `float32` is the default.
 * @example
 * ```ts
 * const dt: DType = 'float64';
 * ```
 */
export type DType = 'float32' | 'float64';

/** Every dtype descent knows, in order of precision.
 * @example
 * ```ts
 * DTYPES.includes('float64'); // true
 * ```
 */
export const DTYPES: readonly DType[] = ['float32', 'float64'];

/** The typed array that stores a tensor of a dtype.
 * @example
 * ```ts
 * const buf: TypedArray = new Float32Array(4);
 * ```
 */
export type TypedArray = Float32Array | Float64Array;

/** A tensor shape: one non-negative integer per axis; `[]` is a scalar.
 * @example
 * ```ts
 * const s: Shape = [2, 3];
 * ```
 */
export type Shape = readonly number[];

/** Nested JavaScript arrays of numbers, as accepted by `tensor()` and returned by `toArray()`.
 * @example
 * ```ts
 * const v: NestedArray = [[1, 2], [3, 4]];
 * ```
 */
export type NestedArray = number | NestedArray[];

/** Attributes passed to a kernel (axes, flags…). Plain JSON-like values only.
 * @example
 * ```ts
 * const attrs: Attrs = { axes: [1], keepDims: true };
 * ```
 */
export type Attrs = Record<string, unknown>;

/** The typed-array constructor for a dtype.
 * @example
 * ```ts
 * new (arrayType('float64'))(3); // Float64Array [0, 0, 0]
 * ```
 */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float64' ? Float64Array : Float32Array;
}
