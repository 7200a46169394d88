// The shape arithmetic of a batched, broadcasting matrix product, shared by the op and every backend.
import { broadcastShapes, sizeOf, stridesOf } from './shape.js';
import type { Shape } from './types.js';

/** How `op(A)[..., M, K] · op(B)[..., K, N]` lines up: matrix sizes, the broadcast batch shape and,
 * for each batch entry, which matrix of A and of B it multiplies.
 * @example
 * ```ts
 * const { M, K, N, outShape } = matmulLayout([2, 1, 3, 4], [5, 4, 6], false, false); // outShape [2, 5, 3, 6]
 * ```
 */
export interface MatmulLayout {
  /** Rows of op(A) and of the product. */
  M: number;
  /** The contracted dimension. */
  K: number;
  /** Columns of op(B) and of the product. */
  N: number;
  /** The broadcast leading (batch) axes; `[]` for a plain 2-D product. */
  batchShape: number[];
  /** `[...batchShape, M, N]`. */
  outShape: number[];
  /** Number of matrix products (the size of `batchShape`). */
  batches: number;
  /** Matrices in A and in B (the sizes of their own leading axes). */
  matricesA: number;
  /** Matrices in B. */
  matricesB: number;
  /** Index of the matrix of A used by batch entry `i` (row-major over `batchShape`). */
  matrixOfA(i: number): number;
  /** Index of the matrix of B used by batch entry `i`. */
  matrixOfB(i: number): number;
}

// the indexers of the common layouts, made once (not a closure per product)
const sameIndex = (i: number): number => i;
const firstIndex = (): number => 0;

/** Lay out a batched matrix product of operands of rank ≥ 2 (inputs assumed validated: the inner
 * sizes agree and the leading axes broadcast).
 * @example
 * ```ts
 * matmulLayout([8, 3, 4], [4, 5], false, false).batches; // 8
 * ```
 */
export function matmulLayout(aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean): MatmulLayout {
  const ra = aShape.length, rb = bShape.length;
  const M = aShape[ra - (transposeA ? 1 : 2)]!;
  const K = aShape[ra - (transposeA ? 2 : 1)]!;
  const N = bShape[rb - (transposeB ? 2 : 1)]!;
  const leadA = aShape.slice(0, -2), leadB = bShape.slice(0, -2);
  const batchShape = broadcastShapes(leadA, leadB, 'matmul');
  const batches = sizeOf(batchShape);
  const matricesA = sizeOf(leadA), matricesB = sizeOf(leadB);
  return {
    M, K, N, batchShape, outShape: [...batchShape, M, N], batches, matricesA, matricesB,
    matrixOfA: batchIndexer(leadA, matricesA, batchShape, batches), matrixOfB: batchIndexer(leadB, matricesB, batchShape, batches),
  };
}

/** Which matrix of an operand with leading axes `lead` (`count` matrices) batch entry i uses. */
function batchIndexer(lead: number[], count: number, batchShape: number[], batches: number): (i: number) => number {
  if (count === batches) return sameIndex; // the operand has every batch axis (up to leading 1s)
  if (count === 1) return firstIndex;
  // General broadcast: walk the batch index's coordinates, skipping the operand's size-1 axes.
  const rank = batchShape.length;
  const outStrides = stridesOf(batchShape);
  const padded = [...new Array<number>(rank - lead.length).fill(1), ...lead];
  const ownStrides = stridesOf(padded);
  return (i) => {
    let index = 0;
    for (let d = 0; d < rank; d++) {
      const coordinate = Math.floor(i / outStrides[d]!) % batchShape[d]!;
      if (padded[d] !== 1) index += coordinate * ownStrides[d]!;
    }
    return index;
  };
}
