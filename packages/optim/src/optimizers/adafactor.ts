/**
 * Adafactor (Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
 * ICML 2018, https://arxiv.org/abs/1804.04235), as `torch.optim.Adafactor` (PyTorch ≥ 2.5).
 *
 * Update rule (t = 1 at the first step; G the gradient, tensors of ≥ 2 dims are factored over
 * their last two dims, earlier dims are a batch):
 * ```
 * β̂₂ₜ = 1 − t^τ ;  ρₜ = min(η, 1/√t) ;  αₜ = max(ε₂, RMS(θ)) ρₜ      (RMS of θ before the decay)
 * θ ← θ (1 − ηλ)
 * dim ≥ 2: R ← lerp(R, mean_cols(G²), 1 − β̂₂ₜ) ;  C ← lerp(C, mean_rows(G²), 1 − β̂₂ₜ)
 *          V̂ = R·C / max(mean(R), ε₁)
 * else:    V̂ ← lerp(V̂, G², 1 − β̂₂ₜ)
 * U = G / √max(V̂, ε₁²) ;  θ ← θ − αₜ / max(1, RMS(U)/d) · U
 * ```
 * PyTorch's conventions, which differ from the paper: η caps the relative step ρₜ (the paper fixes
 * 0.01) and scales the decoupled weight decay; ε₁ is applied to mean(R) and to V̂ (the paper adds it
 * to G²); the means replace the paper's sums. ε₁ = null is the dtype's machine epsilon, as in
 * PyTorch. No first moment (PyTorch has none). PyTorch 1.13 has no Adafactor: the traces
 * (test/golden/opt-adafactor-*.json) come from a float64 port of pytorch/pytorch@051d6a0's
 * `torch/optim/_adafactor.py`. The `lerp` is PyTorch's (exact at weight 1).
 *
 * Defaults (PyTorch): lr 1e-2, beta2Decay −0.8, eps [null, 1e-3], d 1, weightDecay 0.
 *
 * @module
 */
import type { Tensor, TypedArray } from '@descent/tensor';
import { optimizerRules } from './define.js';
import { sumOfSquares, torchLerp, updatesFromNewParams } from './numeric.js';
import { zeroBuffer } from './transforms.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link adafactor}.
 * @example
 * ```ts
 * const o: AdafactorOptions = { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0 };
 * ```
 */
export interface AdafactorOptions extends OptimizerOptions {
  /** τ ≤ 0: β̂₂ₜ = 1 − t^τ; default −0.8. */
  beta2Decay: number;
  /** [ε₁, ε₂]: ε₁ stabilises the variance (null: the dtype's machine epsilon), ε₂ floors RMS(θ); default [null, 1e-3]. */
  eps: [number | null, number];
  /** Update clipping threshold d ≥ 1; default 1. */
  d: number;
  /** Decoupled weight decay λ, scaled by η; default 0. */
  weightDecay: number;
}

/** State of {@link adafactor}: per parameter, the row and column factors (dim ≥ 2) or the full
 * second moment (dim < 2); the unused entries are empty arrays.
 * @example
 * ```ts
 * const s: AdafactorState = { row: [new Float64Array(3)], col: [new Float64Array(2)], variance: [new Float64Array(0)] };
 * ```
 */
export interface AdafactorState {
  /** R: mean of G² over the last dim, shape [..., rows]. */ row: TypedArray[];
  /** C: mean of G² over the second-to-last dim, shape [..., cols]. */ col: TypedArray[];
  /** V̂ of a vector or scalar parameter. */ variance: TypedArray[];
}

/** Batch, rows and columns of a factored parameter (null when it has fewer than 2 dims). */
function factoredDims(p: Tensor): { batch: number; rows: number; cols: number } | null {
  const s = p.shape;
  if (s.length < 2) return null;
  const rows = s[s.length - 2]!, cols = s[s.length - 1]!;
  return { batch: rows * cols === 0 ? 0 : p.size / (rows * cols), rows, cols };
}

const sized = (p: Tensor, n: number): TypedArray => (p.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));

const epsPair = (v: unknown) =>
  Array.isArray(v) && v.length === 2 && (v[0] === null || (typeof v[0] === 'number' && Number.isFinite(v[0]) && v[0] >= 0))
    && typeof v[1] === 'number' && Number.isFinite(v[1]) && v[1] >= 0
    ? null : 'must be [eps1, eps2] with eps1 null or a finite number ≥ 0 and eps2 a finite number ≥ 0';

/** Adafactor, registered as `adafactor`.
 * @example
 * ```ts
 * createOptimizer('adafactor', params, { lr: 1e-2, weightDecay: 1e-2 });
 * ```
 */
export const adafactor: OptimizerPlugin<AdafactorOptions, AdafactorState> = {
  name: 'adafactor',
  description: 'Adafactor: factored second moments, relative step size and update clipping (torch.optim.Adafactor)',
  defaults: { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0 },
  rules: {
    lr: optimizerRules.lr,
    beta2Decay: (v) => (typeof v === 'number' && Number.isFinite(v) && v <= 0 ? null : 'must be a finite number ≤ 0'),
    eps: epsPair,
    d: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 1 ? null : 'must be a finite number ≥ 1'),
    weightDecay: optimizerRules.weightDecay,
  },
  init: (params) => ({
    row: params.map((p) => { const f = factoredDims(p); return sized(p, f ? f.batch * f.rows : 0); }),
    col: params.map((p) => { const f = factoredDims(p); return sized(p, f ? f.batch * f.cols : 0); }),
    variance: params.map((p) => (factoredDims(p) ? sized(p, 0) : zeroBuffer(p))),
  }),
  update(grads, state, params, ctx) {
    const { beta2Decay, eps: [eps1Option, eps2], d, weightDecay } = ctx.options;
    const lr = ctx.lr, t = ctx.step;
    const w = t ** beta2Decay;
    const rho = Math.min(lr, 1 / t ** 0.5);
    const updates = updatesFromNewParams(params, (j, th) => {
      const p = params[j]!, g = grads[j]!;
      const eps1 = eps1Option ?? (p.dtype === 'float64' ? Number.EPSILON : 2 ** -23);
      const n = th.length;
      const alpha = Math.max(eps2, Math.sqrt(sumOfSquares(th)) / n ** 0.5) * rho;
      if (weightDecay !== 0) for (let i = 0; i < n; i++) th[i] = th[i]! * (1 - lr * weightDecay);
      const varEstimate = new Float64Array(n);
      const f = factoredDims(p);
      if (f) {
        const { batch, rows, cols } = f;
        const R = state.row[j]!, C = state.col[j]!;
        for (let b = 0; b < batch; b++) {
          const at = b * rows * cols;
          for (let r = 0; r < rows; r++) {
            let ss = 0;
            for (let c = 0; c < cols; c++) { const x = g[at + r * cols + c]!; ss += x * x; }
            R[b * rows + r] = torchLerp(R[b * rows + r]!, Math.sqrt(ss) ** 2 / cols, w);
          }
          for (let c = 0; c < cols; c++) {
            let ss = 0;
            for (let r = 0; r < rows; r++) { const x = g[at + r * cols + c]!; ss += x * x; }
            C[b * cols + c] = torchLerp(C[b * cols + c]!, Math.sqrt(ss) ** 2 / rows, w);
          }
          let rowSum = 0;
          for (let r = 0; r < rows; r++) rowSum += R[b * rows + r]!;
          const rowMean = Math.max(rowSum / rows, eps1);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) varEstimate[at + r * cols + c] = (R[b * rows + r]! * C[b * cols + c]!) / rowMean;
          }
        }
      } else {
        const V = state.variance[j]!;
        for (let i = 0; i < n; i++) { V[i] = torchLerp(V[i]!, g[i]! * g[i]!, w); varEstimate[i] = V[i]!; }
      }
      const u = varEstimate;
      for (let i = 0; i < n; i++) u[i] = (1 / Math.sqrt(Math.max(u[i]!, eps1 * eps1))) * g[i]!;
      const denom = Math.max(1, Math.sqrt(sumOfSquares(u)) / (n ** 0.5 * d));
      const scale = -alpha / denom;
      for (let i = 0; i < n; i++) th[i] = th[i]! + scale * u[i]!;
    });
    return { updates, state };
  },
};
