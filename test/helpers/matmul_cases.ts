import { matmul, randn, type Rng, type Tensor } from '@descent/tensor';

/** Run `check` on every matmul case: each [M, K, N] of `sizes`, each transposition of a and b, each
 * batch count of `batches` (0: plain matrices), with operands drawn from `rng`. `product` computes
 * op(a)·op(b) (call it under whatever kernel setting is compared); `label` names the case. */
export function forEachMatmulCase(sizes: ReadonlyArray<readonly [number, number, number]>, batches: readonly number[], dtype: 'float32' | 'float64', rng: Rng,
  check: (product: () => Tensor, K: number, label: string) => void): void {
  for (const [M, K, N] of sizes) for (const tA of [false, true]) for (const tB of [false, true]) for (const batch of batches) {
    const shapeA = tA ? [K, M] : [M, K], shapeB = tB ? [N, K] : [K, N];
    const a = randn(batch ? [batch, ...shapeA] : shapeA, rng, { dtype });
    const b = randn(batch ? [batch, ...shapeB] : shapeB, rng, { dtype });
    check(() => matmul(a, b, { transposeA: tA, transposeB: tB }), K, `${dtype} ${M}×${K}×${N} tA=${tA} tB=${tB} batch=${batch}`);
  }
}
