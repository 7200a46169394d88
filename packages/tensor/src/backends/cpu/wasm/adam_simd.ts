// Adam's fused float32 update (the loop of @descent/optim's `scaleByAdam` on float32 storage) as
// three elementwise programs (plain, decoupled decay, L2) compiled by the same compiler plugin
// authors' `elementwiseOptimizer` uses (elementwise_simd.ts): WebAssembly f64x2 SIMD where every
// lane performs the same IEEE float64 operations, in the same order, with the same float32
// roundings as the JS loop, so the results are bitwise identical to it. Both use the folded form
// `(−η/bc1)·m / (√v·(1/√bc2) + ε)`: one division instead of PyTorch's three (docs/performance.md,
// "Adam's folded float32 form"). Where WebAssembly SIMD is missing, createAdamSimd returns null.
import { compileElementwiseSimd, type ElementwiseExpr, type ElementwiseProgram, type ElementwiseSimdKernel } from './elementwise_simd.js';

// Arrays: θ, the gradient s, m, v. Scalars: β1, β2, 1−β1, 1−β2, −η/(1−β1ᵗ), 1/√(1−β2ᵗ), ε, decay, λ.
const [TH, S, M, V] = [0, 1, 2, 3].map((index): ElementwiseExpr => ({ op: 'array', index }));
const [BETA1, BETA2, A1, A2, STEP_SCALE, INV_BC2SQRT, EPS, DECAY, L2] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((index): ElementwiseExpr => ({ op: 'scalar', index }));
const G: ElementwiseExpr = { op: 'temp', index: 0 };
const add = (a: ElementwiseExpr, b: ElementwiseExpr): ElementwiseExpr => ({ op: 'add', a, b });
const mul = (a: ElementwiseExpr, b: ElementwiseExpr): ElementwiseExpr => ({ op: 'mul', a, b });
const div = (a: ElementwiseExpr, b: ElementwiseExpr): ElementwiseExpr => ({ op: 'div', a, b });

/** mode 0: plain Adam; 1: decoupled decay (AdamW); 2: L2 in the gradient. */
function adamProgram(mode: 0 | 1 | 2): ElementwiseProgram {
  // stepScale·m / (√v·invBc2sqrt + ε) [+ decay·θ]
  const step = div(mul(STEP_SCALE, M), add(mul({ op: 'sqrt', a: V }, INV_BC2SQRT), EPS));
  return {
    arrays: 4, scalars: 9, temps: 1,
    statements: [
      { target: 'temp', index: 0, expr: mode === 2 ? { op: 'round', a: add(S, mul(L2, TH)) } : S },
      { target: 'array', index: 2, expr: add(mul(BETA1, M), mul(A1, G)) },
      { target: 'array', index: 3, expr: add(mul(BETA2, V), mul(mul(A2, G), G)) },
      { target: 'array', index: 0, expr: add(TH, { op: 'round', a: mode === 1 ? add(step, mul(DECAY, TH)) : step }) },
    ],
  };
}

/** Adam's fused in-place float32 update: `th`, `m`, `v` updated in place from the gradient `s`
 * (all of one length), bitwise identical to `scaleByAdam`'s float32 loop in `@descent/optim`,
 * in the folded form `θ ← θ + round(stepScale·m / (√v·invBc2sqrt + ε) [+ decay·θ])`, where the
 * caller folds `stepScale = −η/(1−β1ᵗ)` and `invBc2sqrt = 1/√(1−β2ᵗ)` once a step.
 * Returns false (having done nothing) for `decay` and `l2` both nonzero.
 * @example
 * ```ts
 * // step t = 1 of Adam (β1 0.9, β2 0.999, lr 1e-3): 1−β1, 1−β2, −lr/(1−β1), 1/√(1−β2), ε, decay, λ
 * const adam: AdamSimdKernel | null = createAdamSimd();
 * adam?.(theta, grad, m, v, 0.9, 0.999, 0.1, 0.001, -1e-3 / 0.1, 1 / Math.sqrt(0.001), 1e-8, 0, 0); // true
 * ```
 */
export type AdamSimdKernel = (th: Float32Array, s: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number,
  a1: number, a2: number, stepScale: number, invBc2sqrt: number, eps: number, decay: number, l2: number) => boolean;

/**
 * The WebAssembly SIMD Adam kernel, or null where WebAssembly SIMD is not available. Its memory
 * (256 KiB per variant: plain, decoupled decay, L2) is allocated on first use.
 * @example
 * ```ts
 * const adam = createAdamSimd();
 * if (adam) adam(theta, grad, m, v, 0.9, 0.999, 0.1, 0.001, -1e-3 / 0.1, 1 / Math.sqrt(0.001), 1e-8, 0, 0);
 * ```
 */
export function createAdamSimd(): AdamSimdKernel | null {
  const kernels = ([0, 1, 2] as const).map((mode) => compileElementwiseSimd(adamProgram(mode)));
  if (kernels.some((k) => k === null)) return null;
  const [plain, decoupled, l2] = kernels as [ElementwiseSimdKernel, ElementwiseSimdKernel, ElementwiseSimdKernel];
  return (th, s, m, v, beta1, beta2, a1, a2, stepScale, invBc2sqrt, eps, decay, l2Coefficient) => {
    if (decay !== 0 && l2Coefficient !== 0) return false;
    const kernel = decay !== 0 ? decoupled : l2Coefficient !== 0 ? l2 : plain;
    kernel([th, s, m, v], [beta1, beta2, a1, a2, stepScale, invBc2sqrt, eps, decay, l2Coefficient]);
    return true;
  };
}
