import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import type { TensorInfo } from '../../backend.js';
import type { TypedArray } from '../../types.js';
import { allocate } from '../../storage.js';
import { viewOf } from './backend_cpu.js';

/** The values of a CPU tensor with its axes permuted, as a new contiguous array.
 * 2-D transposes use a cache-blocked loop; other permutations use `ndarray-ops.assign` on a transposed view.
 * @example
 * ```ts
 * permuteValues(info, [1, 0]); // the transpose of a matrix
 * ```
 */
export function permuteValues(info: TensorInfo, perm: number[]): TypedArray {
  const shape = perm.map((p) => info.shape[p]!);
  const out = allocate(info.dtype, shape.reduce((a, d) => a * d, 1));
  if (out.length === 0) return out;
  const src = viewOf(info);
  if (perm.length === 2 && perm[0] === 1) {
    transpose2d(src.data, out, info.shape[0]!, info.shape[1]!);
    return out;
  }
  ops.assign(ndarray(out, shape), src.transpose(...perm));
  return out;
}

const BLOCK = 32;

/** out[j, i] = x[i, j] for an r×c matrix, in 32×32 blocks so both sides stay in cache. */
function transpose2d(x: TypedArray, out: TypedArray, r: number, c: number): void {
  for (let i0 = 0; i0 < r; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, r);
    for (let j0 = 0; j0 < c; j0 += BLOCK) {
      const j1 = Math.min(j0 + BLOCK, c);
      for (let i = i0; i < i1; i++) {
        const row = i * c;
        for (let j = j0; j < j1; j++) out[j * r + i] = x[row + j]!;
      }
    }
  }
}
