/**
 * L-BFGS with an optional strong-Wolfe line search (Nocedal & Wright, "Numerical Optimization",
 * Algorithms 7.4 and 3.5–3.6; Liu & Nocedal 1989), as `torch.optim.LBFGS` (itself after minFunc).
 * A closure optimizer: one `step` runs up to `maxIter` iterations, re-evaluating the loss and
 * gradient through `ctx.evaluate` (the Trainer and `Optimizer.stepWithClosure` provide it).
 *
 * One step (g the gradient at the current θ, given with its loss):
 * ```
 * repeat up to maxIter times:
 *   first iteration ever: d = −g, H₀ = 1
 *   else: y = g − g₋₁, s = t·d; if yᵀs > 1e-10 keep (s, y) (at most historySize pairs), H₀ = yᵀs / yᵀy
 *         d = −H g by the two-loop recursion
 *   t = min(1, 1/‖g‖₁)·η on the first iteration ever, else η
 *   stop if gᵀd > −toleranceChange
 *   strong Wolfe: (f, g, t) = line search along d from t (c₁ 1e-4, c₂ 0.9, ≤ 25 evaluations); θ ← θ + t d
 *   else:         θ ← θ + t d; (f, g) = evaluate(θ) (not after the last iteration)
 *   stop on maxIter, maxEval evaluations, ‖g‖∞ ≤ toleranceGrad, ‖t d‖∞ ≤ toleranceChange, |Δf| < toleranceChange
 * ```
 * Matches PyTorch 1.13 in float64 operation for operation (traces test/golden/opt-lbfgs-*.json;
 * the line search is a port of `_strong_wolfe` and `_cubic_interpolate`). Conventions: the
 * history is kept in preallocated `historySize × n` float64 buffers (PyTorch grows lists), so
 * the saved state has a fixed shape; each parameter group is its own problem (PyTorch allows one
 * group only). State is float64 whatever the parameters' dtype.
 *
 * Defaults (PyTorch): lr 1, maxIter 20, maxEval null (⌊maxIter·5/4⌋), toleranceGrad 1e-7,
 * toleranceChange 1e-9, historySize 100, lineSearch null (or 'strong_wolfe').
 *
 * @module
 */
import { ValueError } from '@descent/tensor';
import { rules } from '../options.js';
import { optimizerRules } from './define.js';
import type { OptimizerOptions, OptimizerPlugin } from './types.js';

/** Options of {@link lbfgs}.
 * @example
 * ```ts
 * const o: Partial<LbfgsOptions> = { lr: 1, maxIter: 20, lineSearch: 'strong_wolfe' };
 * ```
 */
export interface LbfgsOptions extends OptimizerOptions {
  /** Iterations per step; default 20. */ maxIter: number;
  /** Loss/gradient evaluations per step; null: ⌊maxIter·5/4⌋ (default). */ maxEval: number | null;
  /** Stop when ‖g‖∞ ≤ this; default 1e-7. */ toleranceGrad: number;
  /** Stop when the step or the loss change is below this; default 1e-9. */ toleranceChange: number;
  /** Number of (s, y) pairs kept; default 100. */ historySize: number;
  /** null (fixed step t = η) or 'strong_wolfe'; default null. */ lineSearch: 'strong_wolfe' | null;
}

/** State of {@link lbfgs} (float64, flat over the group's parameters).
 * @example
 * ```ts
 * const s = lbfgs.init([w], lbfgs.defaults); s.nIter; // 0
 * ```
 */
export interface LbfgsState {
  /** Evaluations so far (all steps). */ funcEvals: number;
  /** Iterations so far (all steps). */ nIter: number;
  /** The last search direction d. */ d: Float64Array;
  /** The last step length t. */ t: number;
  /** Kept y vectors, oldest first: rows 0 … numOld−1 of a historySize × n buffer. */ oldDirs: Float64Array;
  /** Kept s vectors, oldest first, like oldDirs. */ oldStps: Float64Array;
  /** 1 / yᵀs of each kept pair. */ ro: Float64Array;
  /** Number of kept pairs. */ numOld: number;
  /** The initial inverse-Hessian scale H₀. */ hDiag: number;
  /** The gradient at the previous iteration. */ prevFlatGrad: Float64Array;
  /** The loss at the previous iteration. */ prevLoss: number;
}

const dotF = (a: Float64Array, b: Float64Array, ao = 0, bo = 0, n = a.length - ao): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
};
const maxAbs = (a: Float64Array): number => { let m = 0; for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]!); if (v > m || Number.isNaN(v)) m = v; } return m; };

/** PyTorch's `_cubic_interpolate`: the minimiser of the cubic through (x₁, f₁, g₁), (x₂, f₂, g₂), clamped to the bounds. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Evaluate = (t: number) => { loss: number; grad: Float64Array };

/** PyTorch's `_strong_wolfe` (bracketing then zoom), along d from x at step t. */
function strongWolfe(evaluate: Evaluate, t0: number, d: Float64Array, f: number, g: Float64Array, gtd: number, c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25): { loss: number; grad: Float64Array; t: number; evals: number } {
  let t = t0;
  const dNorm = maxAbs(d);
  let { loss: fNew, grad: gNew } = evaluate(t);
  let evals = 1;
  let gtdNew = dotF(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Float64Array[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.slice()]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t]; bracketF = [fNew]; bracketG = [gNew]; done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.slice()]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp; fPrev = fNew; gPrev = gNew.slice(); gtdPrev = gtdNew;
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals++;
    gtdNew = dotF(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) { bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew]; }

  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const bMax = Math.max(...bracket), bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals++;
    gtdNew = dotF(gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = gNew.slice(); bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        bracket[highPos] = bracket[lowPos]!; bracketF[highPos] = bracketF[lowPos]!; bracketG[highPos] = bracketG[lowPos]!; bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = gNew.slice(); bracketGtd[lowPos] = gtdNew;
    }
  }
  return { loss: bracketF[lowPos]!, grad: bracketG[lowPos]!, t: bracket[lowPos]!, evals };
}

const flatten = (arrays: readonly ArrayLike<number>[], n: number): Float64Array => {
  const out = new Float64Array(n);
  let o = 0;
  for (const a of arrays) { for (let i = 0; i < a.length; i++) out[o + i] = a[i]!; o += a.length; }
  return out;
};

/** L-BFGS, registered as `lbfgs` (a closure optimizer).
 * @example
 * ```ts
 * const opt = createOptimizer('lbfgs', params, { lineSearch: 'strong_wolfe' });
 * opt.stepWithClosure(() => { const loss = f(params); return { loss: loss.item(), grads: gradients(loss, params) }; });
 * ```
 */
export const lbfgs: OptimizerPlugin<LbfgsOptions, LbfgsState> = {
  name: 'lbfgs',
  description: 'L-BFGS with optional strong-Wolfe line search (torch.optim.LBFGS); needs a closure',
  needsClosure: true,
  defaults: { lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearch: null },
  rules: {
    lr: optimizerRules.lr,
    maxIter: rules.positiveInt,
    maxEval: (v) => (v === null || (Number.isInteger(v) && (v as number) > 0) ? null : 'must be null or a positive integer'),
    toleranceGrad: rules.nonNegative,
    toleranceChange: rules.nonNegative,
    historySize: rules.positiveInt,
    lineSearch: (v) => (v === null || v === 'strong_wolfe' ? null : "must be null or 'strong_wolfe'"),
  },
  init(params, o) {
    const n = params.reduce((a, p) => a + p.size, 0);
    return {
      funcEvals: 0, nIter: 0, d: new Float64Array(n), t: 0,
      oldDirs: new Float64Array(o.historySize * n), oldStps: new Float64Array(o.historySize * n), ro: new Float64Array(o.historySize), numOld: 0,
      hDiag: 1, prevFlatGrad: new Float64Array(n), prevLoss: 0,
    };
  },
  update(grads, state, params, ctx) {
    const o = ctx.options, lr = ctx.lr;
    const evaluateAt = ctx.evaluate, loss0 = ctx.loss;
    if (!evaluateAt || loss0 === undefined) throw new ValueError('lbfgs: needs a closure; call Optimizer.stepWithClosure(closure) (the Trainer passes one)');
    const maxEval = o.maxEval ?? Math.floor((o.maxIter * 5) / 4);
    const n = state.d.length, h = o.historySize;
    const sizes = params.map((p) => p.size);
    const x = flatten(params.map((p) => p.buffer()), n); // θ, float64, moved as the iterations go
    const x0 = x.slice();
    // evaluate(θ) through the closure, with θ split back into the parameters' shapes and dtypes
    const evalFlat = (theta: Float64Array) => {
      let at = 0;
      const values = params.map((p, j) => { const v = p.dtype === 'float64' ? theta.slice(at, at + sizes[j]!) : Float32Array.from(theta.subarray(at, at + sizes[j]!)); at += sizes[j]!; return v; });
      const r = evaluateAt(values);
      return { loss: r.loss, grad: flatten(r.grads, n) };
    };
    const addScaled = (target: Float64Array, t: number, d: Float64Array) => { for (let i = 0; i < n; i++) target[i] = target[i]! + t * d[i]!; };
    const updatesOf = () => {
      let at = 0;
      return params.map((p, j) => {
        const u = p.dtype === 'float64' ? new Float64Array(sizes[j]!) : new Float32Array(sizes[j]!);
        for (let i = 0; i < u.length; i++) u[i] = x[at + i]! - x0[at + i]!;
        at += sizes[j]!;
        return u;
      });
    };

    let loss = loss0;
    let flatGrad = flatten(grads, n);
    let currentEvals = 1;
    state.funcEvals += 1;
    let optCond = maxAbs(flatGrad) <= o.toleranceGrad;
    if (optCond) return { updates: updatesOf(), state };

    let d = state.d, t = state.t, hDiag = state.hDiag;
    const { oldDirs, oldStps, ro, prevFlatGrad } = state;
    let numOld = state.numOld, prevLoss = state.prevLoss;
    const al = new Float64Array(h);
    let nIter = 0;
    while (nIter < o.maxIter) {
      nIter++;
      state.nIter++;
      if (state.nIter === 1) {
        d = flatGrad.map((v) => -v);
        numOld = 0;
        hDiag = 1;
      } else {
        const y = new Float64Array(n), s = new Float64Array(n);
        for (let i = 0; i < n; i++) { y[i] = flatGrad[i]! - prevFlatGrad[i]!; s[i] = d[i]! * t; }
        const ys = dotF(y, s);
        if (ys > 1e-10) {
          if (numOld === h) {
            oldDirs.copyWithin(0, n); oldStps.copyWithin(0, n); ro.copyWithin(0, 1);
            numOld--;
          }
          oldDirs.set(y, numOld * n); oldStps.set(s, numOld * n); ro[numOld] = 1 / ys;
          numOld++;
          hDiag = ys / dotF(y, y);
        }
        const q = flatGrad.map((v) => -v);
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = dotF(oldStps, q, i * n, 0, n) * ro[i]!;
          for (let k = 0; k < n; k++) q[k] = q[k]! + -al[i]! * oldDirs[i * n + k]!;
        }
        const r = q.map((v) => v * hDiag);
        for (let i = 0; i < numOld; i++) {
          const be = dotF(oldDirs, r, i * n, 0, n) * ro[i]!;
          const c = al[i]! - be;
          for (let k = 0; k < n; k++) r[k] = r[k]! + c * oldStps[i * n + k]!;
        }
        d = r;
      }
      prevFlatGrad.set(flatGrad);
      prevLoss = loss;
      if (state.nIter === 1) {
        let l1 = 0;
        for (let i = 0; i < n; i++) l1 += Math.abs(flatGrad[i]!);
        t = Math.min(1, 1 / l1) * lr;
      } else {
        t = lr;
      }
      const gtd = dotF(flatGrad, d);
      if (gtd > -o.toleranceChange) break;

      let lsEvals = 0;
      if (o.lineSearch !== null) {
        const xInit = x.slice(), dir = d;
        const r = strongWolfe((tt) => { const xt = xInit.slice(); addScaled(xt, tt, dir); return evalFlat(xt); }, t, d, loss, flatGrad, gtd);
        loss = r.loss; flatGrad = r.grad; t = r.t; lsEvals = r.evals;
        addScaled(x, t, d);
        optCond = maxAbs(flatGrad) <= o.toleranceGrad;
      } else {
        addScaled(x, t, d);
        if (nIter !== o.maxIter) {
          const r = evalFlat(x);
          loss = r.loss; flatGrad = r.grad;
          optCond = maxAbs(flatGrad) <= o.toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;
      if (nIter === o.maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      let dt = 0;
      for (let i = 0; i < n; i++) { const v = Math.abs(d[i]! * t); if (v > dt) dt = v; }
      if (dt <= o.toleranceChange) break;
      if (Math.abs(loss - prevLoss) < o.toleranceChange) break;
    }
    return { updates: updatesOf(), state: { ...state, d, t, numOld, hDiag, prevLoss } };
  },
};
