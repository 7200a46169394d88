/**
 * Muon: MomentUm Orthogonalized by Newton–Schulz (Jordan et al. 2024,
 * https://kellerjordan.github.io/posts/muon/; Liu et al., "Muon is Scalable for LLM Training",
 * 2025, https://arxiv.org/abs/2502.16982), as `torch.optim.Muon` for 2-D parameters, with a
 * fallback optimizer (AdamW by default) for every other parameter, as Optax `contrib.muon` does.
 *
 * Update rule for a 2-D parameter W (A×B), momentum μ:
 * ```
 * B ← lerp(B, G, 1 − μ)                       (= μB + (1 − μ)G)
 * M = lerp(G, B, μ) if nesterov, else B
 * X = M / max(‖M‖_F, ε)   (transposed when A > B, so X X^T is the small Gram matrix)
 * 5×: S = X X^T ;  X ← a X + (b S + c S²) X    with (a, b, c) = (3.4445, −4.7750, 2.0315)
 * W ← W (1 − ηλ) − η′ X     η′ = η √max(1, A/B)    ('match_rms_adamw': η′ = 0.2 η √max(A, B))
 * ```
 * Other parameters (vectors, scalars, and every parameter of a group with `useMuon: 'never'`,
 * e.g. embeddings and the output layer) take a step of `fallback` (default `{ name: 'adamw' }`,
 * whose lr defaults to Muon's). The fallback runs at `stepLr × fallback.lr / lr`, so a scheduler
 * scales both learning rates together.
 *
 * Conventions: PyTorch casts the Newton–Schulz input to bfloat16; this computes it in float64 (the
 * float64 traces, test/golden/opt-muon-*.json, come from a float64 port of pytorch/pytorch@098e03f
 * `torch/optim/_muon.py` without that cast). PyTorch rejects non-2-D parameters instead of
 * routing them to a fallback.
 *
 * Defaults (PyTorch): lr 1e-3, weightDecay 0.1, momentum 0.95, nesterov true,
 * nsCoefficients [3.4445, −4.775, 2.0315], eps 1e-7, nsSteps 5, adjustLr 'original';
 * useMuon 'auto', fallback `{ name: 'adamw' }`.
 *
 * @module
 */
import { ValueError, type Tensor, type TypedArray } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import { resolveNestedOptimizer, type ResolvedOptimizer } from './nested.js';
import { torchLerp, updatesFromNewParams } from './numeric.js';
import { zeroBuffer } from './transforms.js';
import type { AnyOptimizerPlugin, OptimizerOptions, OptimizerPlugin } from './types.js';

/** The fallback optimizer after resolution.
 * @example
 * ```ts
 * const f: ResolvedFallback = { name: 'adamw', plugin: adamw, options: { ...adamw.defaults, lr: 0.02 } };
 * ```
 */
export type ResolvedFallback = ResolvedOptimizer;

/** Options of {@link muon}.
 * @example
 * ```ts
 * const o: Partial<MuonOptions> = { lr: 0.02, fallback: { name: 'adamw', options: { lr: 3e-4 } } };
 * ```
 */
export interface MuonOptions extends OptimizerOptions {
  /** Decoupled weight decay λ (W ← W(1 − ηλ)); default 0.1. */
  weightDecay: number;
  /** Momentum μ in [0, 1); default 0.95. */
  momentum: number;
  /** Nesterov momentum; default true. */
  nesterov: boolean;
  /** Newton–Schulz coefficients (a, b, c); default [3.4445, −4.775, 2.0315]. */
  nsCoefficients: [number, number, number];
  /** ε in max(‖M‖_F, ε); default 1e-7. */
  eps: number;
  /** Newton–Schulz iterations, 1–99; default 5. */
  nsSteps: number;
  /** Learning-rate shape adjustment: 'original' (√max(1, A/B)), 'match_rms_adamw' (0.2√max(A, B)) or 'none'. */
  adjustLr: 'original' | 'match_rms_adamw' | 'none';
  /** 'auto': 2-D parameters get Muon, others the fallback; 'never': the whole group uses the fallback. */
  useMuon: 'auto' | 'never';
  /** The optimizer for the other parameters: `{ name, options }` or a plugin; default `{ name: 'adamw' }`. */
  fallback: {
    /** Registered name of the fallback optimizer (e.g. `'adamw'`). */ name: string;
    /** Its options (its lr defaults to Muon's). */ options?: Record<string, unknown> } | AnyOptimizerPlugin | ResolvedFallback;
}

/** State of {@link muon}: momentum buffers (empty arrays for fallback parameters) and the
 * fallback optimizer's state for its parameters (null when it has none).
 * @example
 * ```ts
 * const s: MuonState = { buf: [new Float64Array(6), new Float64Array(0)], fallback: null };
 * ```
 */
export interface MuonState {
  /** Momentum buffer B of each Muon parameter. */ buf: TypedArray[];
  /** State of the fallback optimizer over the other parameters, in order. */ fallback: unknown;
}

const resolveFallback = (spec: unknown, lr: number): ResolvedFallback => resolveNestedOptimizer(spec, {
  owner: 'muon', option: 'fallback', inherited: { lr },
  reject: (p) => (p.name === 'muon' ? 'an optimizer other than muon itself' : undefined),
});

const fallbackOf = (o: MuonOptions) => o.fallback as ResolvedFallback;
const usesMuon = (p: Tensor, o: MuonOptions) => o.useMuon === 'auto' && p.shape.length === 2;

/** C = A·B for row-major A (m×k) and B (k×n). */
function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += a[i * k + l]! * b[l * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

/**
 * The Newton–Schulz quintic iteration of Muon: an approximate orthogonalisation U S′ Vᵀ
 * (S′ ≈ 1) of the rows × cols matrix `m` (row-major), in float64.
 * @example
 * ```ts
 * newtonSchulz(new Float64Array([3, 0, 0, 1]), 2, 2, [3.4445, -4.775, 2.0315], 5, 1e-7); // ≈ identity
 * ```
 */
export function newtonSchulz(m: ArrayLike<number>, rows: number, cols: number, coefficients: readonly [number, number, number], steps: number, eps: number): Float64Array {
  const [a, b, c] = coefficients;
  const tall = rows > cols;
  const r = tall ? cols : rows, k = tall ? rows : cols;
  let x = new Float64Array(r * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x[tall ? j * rows + i : i * cols + j] = m[i * cols + j]!;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i]! * x[i]!;
  const norm = Math.max(Math.sqrt(ss), eps);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! / norm;
  for (let s = 0; s < steps; s++) {
    const xt = new Float64Array(k * r);
    for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) xt[j * r + i] = x[i * k + j]!;
    const gram = matmul(x, xt, r, k, r);
    const gram2 = matmul(gram, gram, r, r, r);
    const update = new Float64Array(r * r);
    for (let i = 0; i < update.length; i++) update[i] = b * gram[i]! + c * gram2[i]!;
    const ux = matmul(update, x, r, r, k);
    const next = new Float64Array(r * k);
    for (let i = 0; i < next.length; i++) next[i] = a * x[i]! + ux[i]!;
    x = next;
  }
  if (!tall) return x;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = x[j * rows + i]!;
  return out;
}

/** Muon, registered as `muon`.
 * @example
 * ```ts
 * createOptimizer('muon', [
 *   { params: hiddenWeights },
 *   { params: [embedding, head], options: { useMuon: 'never' } },
 * ], { lr: 0.02, fallback: { name: 'adamw', options: { lr: 3e-4 } } });
 * ```
 */
export const muon: OptimizerPlugin<MuonOptions, MuonState> = {
  name: 'muon',
  description: 'Muon: Newton–Schulz-orthogonalised Nesterov momentum for 2-D weights, AdamW (fallback) for the rest',
  defaults: {
    lr: 1e-3, weightDecay: 0.1, momentum: 0.95, nesterov: true, nsCoefficients: [3.4445, -4.775, 2.0315], eps: 1e-7,
    nsSteps: 5, adjustLr: 'original', useMuon: 'auto', fallback: { name: 'adamw' },
  },
  rules: {
    lr: optimizerRules.lr,
    weightDecay: optimizerRules.weightDecay,
    momentum: rules.inRange(0, 1),
    nsCoefficients: (v) => (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? null : 'must be three finite numbers [a, b, c]'),
    eps: optimizerRules.eps,
    nsSteps: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) < 100 ? null : 'must be an integer in [1, 99]'),
    adjustLr: rules.oneOf('original', 'match_rms_adamw', 'none'),
    useMuon: rules.oneOf('auto', 'never'),
  },
  resolve: (o) => ({ ...o, fallback: resolveFallback(o.fallback, o.lr) }),
  init(params, o) {
    const fb = fallbackOf(o);
    const others = params.filter((p) => !usesMuon(p, o));
    return {
      buf: params.map((p) => (usesMuon(p, o) ? zeroBuffer(p) : (p.dtype === 'float64' ? new Float64Array(0) : new Float32Array(0)))),
      fallback: others.length ? fb.plugin.init(others, fb.options) : null,
    };
  },
  update(grads, state, params, ctx) {
    const o = ctx.options, lr = ctx.lr, mu = o.momentum;
    const fb = fallbackOf(o);
    const others: number[] = [];
    params.forEach((p, j) => { if (!usesMuon(p, o)) others.push(j); });
    if (others.length > 0 && state.fallback === null) throw new ValueError('muon: the state has no fallback state for the non-Muon parameters');
    const updates = updatesFromNewParams(params, (j, th) => {
      const p = params[j]!;
      if (!usesMuon(p, o)) return;
      const g = grads[j]!, buf = state.buf[j]!;
      const [rows, cols] = p.shape as [number, number];
      const m = new Float64Array(th.length);
      for (let i = 0; i < th.length; i++) {
        buf[i] = torchLerp(buf[i]!, g[i]!, 1 - mu);
        m[i] = o.nesterov ? torchLerp(g[i]!, buf[i]!, mu) : buf[i]!;
      }
      const x = newtonSchulz(m, rows, cols, o.nsCoefficients, o.nsSteps, o.eps);
      const ratio = o.adjustLr === 'original' ? Math.sqrt(Math.max(1, rows / cols)) : o.adjustLr === 'match_rms_adamw' ? 0.2 * Math.sqrt(Math.max(rows, cols)) : 1;
      const adjusted = lr * ratio;
      for (let i = 0; i < th.length; i++) {
        th[i] = th[i]! * (1 - lr * o.weightDecay);
        th[i] = th[i]! + -adjusted * x[i]!;
      }
    });
    let fallback = state.fallback;
    if (others.length > 0) {
      const fbLr = lr === o.lr ? fb.options.lr : o.lr > 0 ? lr * (fb.options.lr / o.lr) : fb.options.lr;
      const r = fb.plugin.update(others.map((j) => grads[j]!), state.fallback, others.map((j) => params[j]!), { lr: fbLr, step: ctx.step, options: fb.options });
      others.forEach((j, k) => { updates[j] = r.updates[k]!; });
      fallback = r.state;
    }
    return { updates, state: { buf: state.buf, fallback } };
  },
};
