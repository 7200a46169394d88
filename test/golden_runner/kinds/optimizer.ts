// kind "optimizer": build the parameters per `shapes` from `init`, create the optimizer from its
// registry name and options, and at each step compute the loss and its gradient by hand (float64,
// FORMAT.md's quadratic or Rosenbrock), record the loss, take one step with `stepWithGrads`, and
// record the parameters. Losses and trajectory are compared with `firstMismatch`.
import { createOptimizer } from '@descent/optim';
import { tensor, type DType, type Tensor } from '@descent/tensor';
import { FLOAT64_TOLERANCE, firstMismatch, trajectoryMismatch, type Tolerance } from '../compare.js';
import { registerTraceKind, type Trace } from '../runner.js';

export interface OptimizerTrace extends Trace {
  optimizer: { name: string; options?: Record<string, unknown> };
  problem: { name: 'quadratic'; A: number[][]; b: number[] } | { name: 'rosenbrock'; a: number; b: number };
  shapes: number[][];
  init: number[];
  steps: number;
  losses: number[];
  trajectory: number[][];
}

/** Loss and gradient of the trace's problem at θ (flattened), in float64. */
export function lossAndGrad(problem: OptimizerTrace['problem'], theta: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const n = theta.length;
  const grad = new Float64Array(n);
  if (problem.name === 'quadratic') {
    // L = ½ θᵀAθ − bᵀθ, ∇L = Aθ − b
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = problem.A[i]!;
      let ai = 0;
      for (let j = 0; j < n; j++) ai += row[j]! * theta[j]!;
      grad[i] = ai - problem.b[i]!;
      loss += 0.5 * theta[i]! * ai - problem.b[i]! * theta[i]!;
    }
    return { loss, grad };
  }
  if (problem.name === 'rosenbrock') {
    // L = (a − x)² + b (y − x²)²
    const { a, b } = problem;
    const x = theta[0]!, y = theta[1]!;
    const r = y - x * x;
    grad[0] = -2 * (a - x) - 4 * b * x * r;
    grad[1] = 2 * b * r;
    return { loss: (a - x) ** 2 + b * r * r, grad };
  }
  throw new Error(`unknown problem ${JSON.stringify((problem as { name?: unknown }).name)}`);
}

/** Run an optimizer trace with parameters of `dtype`; returns the losses and trajectory.
 * `afterStep` may modify the parameters after each step (e.g. to perturb them by float32 rounding). */
export function runOptimizerTrace(trace: Trace, dtype: DType = 'float64', afterStep?: (params: Tensor[], step: number) => void): { losses: number[]; trajectory: number[][] } {
  const t = trace as OptimizerTrace;
  const params: Tensor[] = [];
  let offset = 0;
  for (const shape of t.shapes) {
    const size = shape.reduce((a, d) => a * d, 1);
    const values = dtype === 'float64' ? Float64Array.from(t.init.slice(offset, offset + size)) : Float32Array.from(t.init.slice(offset, offset + size));
    params.push(tensor(values, { shape, dtype }));
    offset += size;
  }
  if (offset !== t.init.length) throw new Error(`init has ${t.init.length} values but shapes need ${offset}`);
  const opt = createOptimizer(t.optimizer.name, params, t.optimizer.options ?? {});
  const flatParams = () => params.flatMap((p) => Array.from(p.buffer()));
  const losses: number[] = [];
  const trajectory: number[][] = [];
  for (let step = 0; step < t.steps; step++) {
    const { loss, grad } = lossAndGrad(t.problem, flatParams());
    losses.push(loss);
    let o = 0;
    const grads = params.map((p) => {
      const g = grad.subarray(o, o + p.size);
      o += p.size;
      return dtype === 'float64' ? Float64Array.from(g) : Float32Array.from(g);
    });
    opt.stepWithGrads(grads);
    afterStep?.(params, step);
    trajectory.push(flatParams());
  }
  return { losses, trajectory };
}

/** Compare a run of the trace in `dtype` with its reference; null on agreement. */
export function checkOptimizerTrace(trace: Trace, dtype: DType = 'float64', tol: Tolerance = FLOAT64_TOLERANCE): string | null {
  const t = trace as OptimizerTrace;
  const { losses, trajectory } = runOptimizerTrace(trace, dtype);
  const label = `${t.optimizer.name}/${t.problem.name} ${dtype}`;
  const loss = firstMismatch(`losses (${label})`, losses, t.losses, tol);
  return (loss && loss.replace(/^losses \((.*)\)\[(\d+)\]/, 'losses ($1): step $2')) ?? trajectoryMismatch(`trajectory (${label})`, trajectory, t.trajectory, t.shapes, tol);
}

registerTraceKind('optimizer', (trace) => checkOptimizerTrace(trace, 'float64', FLOAT64_TOLERANCE));
