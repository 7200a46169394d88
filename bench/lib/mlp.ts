// The MLP benchmark: 784-256-128-10, ReLU, softmax cross-entropy, batch 64, Adam (lr 1e-3), with the
// same initial weights and data for every framework.
import {
  add, crossEntropy, matmul, relu, Rng, tensor, tidy, type Tensor,
} from '@descent/tensor';
import type { Tf } from './tfjs.js';
import { tfStepRunner, type StepRunner } from './train_step.js';

export const SIZES = [784, 256, 128, 10] as const;
export const BATCH = 64;
export const LR = 1e-3;
export const BETAS = [0.9, 0.999] as const;
export const EPS = 1e-8;
/** Distinct mini-batches the steps cycle through. */
export const NUM_BATCHES = 8;

/** Initial parameters as float32 arrays, in order W1, b1, W2, b2, W3, b3. */
export interface InitialParams { values: Float32Array[]; shapes: number[][] }

/** PyTorch `nn.Linear` initialisation: U(−1/√fan_in, 1/√fan_in) for weights and biases, seeded. */
export function initialParams(seed = 1): InitialParams {
  const rng = new Rng(seed);
  const values: Float32Array[] = [];
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < SIZES.length; l++) {
    const fanIn = SIZES[l]!, fanOut = SIZES[l + 1]!;
    const bound = 1 / Math.sqrt(fanIn);
    for (const shape of [[fanIn, fanOut], [fanOut]]) {
      const n = shape.reduce((a, d) => a * d, 1);
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = (2 * rng.uniform() - 1) * bound;
      values.push(v);
      shapes.push(shape);
    }
  }
  return { values, shapes };
}

/** The number of parameters of the MLP (235,146). */
export function parameterCount(): number {
  let n = 0;
  for (let l = 0; l + 1 < SIZES.length; l++) n += SIZES[l]! * SIZES[l + 1]! + SIZES[l + 1]!;
  return n;
}

/** A mini-batch: inputs in [0, 1) like MNIST pixels, labels the argmax of a fixed random linear
 * teacher applied to the centred inputs (so the ten classes are about equally frequent). */
export interface Batch { x: Float32Array; labels: Int32Array }

/** NUM_BATCHES seeded mini-batches of BATCH rows. */
export function makeBatches(seed = 2, count = NUM_BATCHES): Batch[] {
  const rng = new Rng(seed);
  const [d, , , c] = SIZES;
  const teacher = new Float64Array(d * c);
  for (let i = 0; i < teacher.length; i++) teacher[i] = 2 * rng.uniform() - 1;
  const batches: Batch[] = [];
  for (let b = 0; b < count; b++) {
    const x = new Float32Array(BATCH * d);
    const labels = new Int32Array(BATCH);
    for (let r = 0; r < BATCH; r++) {
      for (let j = 0; j < d; j++) x[r * d + j] = rng.uniform();
      let best = 0, bestScore = -Infinity;
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x[r * d + j]! - 0.5) * teacher[j * c + k]!;
        if (s > bestScore) { bestScore = s; best = k; }
      }
      labels[r] = best;
    }
    batches.push({ x, labels });
  }
  return batches;
}

/** A framework's training loop (see {@link StepRunner}). */
export type Trainer = StepRunner;

// ── descent ────────────────────────────────────────────────────────────────────────────────────

/** Adam as in `torch.optim.Adam` (default foreach=False path), fused into one loop per parameter
 * over the typed arrays: no temporaries. State m, v in float32 like the parameters.
 *
 * PyTorch computes θ −= (η/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε). Here the same quantity is computed as
 * θ −= s·m / (√v + e) with s = η·√(1−β₂ᵗ)/(1−β₁ᵗ) and e = ε·√(1−β₂ᵗ): one division instead of two.
 * Division and square root share one unit and bound this loop (≈ 11 cycles per element on this
 * CPU), so that saves ~20%; the two forms differ only by float64 rounding (~1e-16 relative), which
 * does not show in float32 parameters. m and v are rounded to float32 (Math.fround) before use,
 * as PyTorch stores them. */
export class FusedAdam {
  // Plain arrays of doubles, holding float32-rounded values: no detached-buffer checks on them
  // (see packages/tensor/src/backends/cpu/matmul.ts), 10% faster than Float32Arrays here.
  private readonly m: number[][];
  private readonly v: number[][];
  private t = 0;
  constructor(private readonly params: readonly Tensor[], private readonly lr = LR,
    private readonly b1 = BETAS[0], private readonly b2 = BETAS[1], private readonly eps = EPS) {
    this.m = params.map((p) => Array.from({ length: p.size }, () => 0.5).fill(0)); // PACKED_DOUBLE_ELEMENTS
    this.v = params.map((p) => Array.from({ length: p.size }, () => 0.5).fill(0));
  }

  /** One step with explicit gradient arrays (one per parameter). */
  stepWith(grads: readonly Float32Array[]): void {
    this.t++;
    const bc1 = 1 - this.b1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - this.b2 ** this.t);
    for (let j = 0; j < this.params.length; j++) {
      adamLoop(this.params[j]!.buffer() as Float32Array, grads[j]!, this.m[j]!, this.v[j]!,
        this.b1, this.b2, (this.lr / bc1) * bc2Sqrt, this.eps * bc2Sqrt);
    }
  }

  /** One step with the parameters' `.grad`. */
  step(): void {
    this.stepWith(this.params.map((p) => p.grad!.buffer() as Float32Array));
  }
}

/**
 * Adam with TensorFlow.js's float32 arithmetic, for the loss cross-check only: tfjs keeps β₁ᵗ and
 * β₂ᵗ as float32 running products, rounds every intermediate to float32 and adds ε to √v̂
 * (tfjs-core adam_optimizer.ts). The model is the same; this isolates the optimizer's arithmetic,
 * which is what makes tfjs's loss curve drift from PyTorch's (and descent's) over 200 steps.
 */
export class TfjsArithmeticAdam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private acc1 = Math.fround(BETAS[0]);
  private acc2 = Math.fround(BETAS[1]);
  constructor(private readonly params: readonly Tensor[]) {
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
  }

  step(): void {
    const f = Math.fround;
    const b1 = f(BETAS[0]), b2 = f(BETAS[1]), c1 = f(1 - BETAS[0]), c2 = f(1 - BETAS[1]), eps = f(EPS), nlr = f(-LR);
    const bc1 = f(1 - this.acc1), bc2 = f(1 - this.acc2);
    for (let j = 0; j < this.params.length; j++) {
      const p = this.params[j]!.buffer() as Float32Array, g = this.params[j]!.grad!.buffer() as Float32Array;
      const m = this.m[j]!, v = this.v[j]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        m[i] = f(m[i]! * b1) + f(gi * c1);
        v[i] = f(v[i]! * b2) + f(f(gi * gi) * c2);
        const mh = f(m[i]! / bc1), vh = f(v[i]! / bc2);
        p[i] = f(f(mh / f(f(Math.sqrt(vh)) + eps)) * nlr) + p[i]!;
      }
    }
    this.acc1 = f(this.acc1 * b1);
    this.acc2 = f(this.acc2 * b2);
  }
}

function adamLoop(p: Float32Array, g: Float32Array, m: number[], v: number[],
  b1: number, b2: number, s: number, e: number): void {
  const c1 = 1 - b1, c2 = 1 - b2, f = Math.fround;
  for (let i = 0, n = p.length; i < n; i++) {
    const gi = g[i]!;
    const mi = f(b1 * m[i]! + c1 * gi);
    const vi = f(b2 * v[i]! + c2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! - (s * mi) / (Math.sqrt(vi) + e);
  }
}

/** The optimizer the descent MLP uses: `@descent/optim`'s Adam when it loads, else {@link FusedAdam}. */
export interface DescentOptimizer { name: string; step(): void }

/** Try `@descent/optim` (being written alongside); null when it does not load or lacks Adam. */
export async function optimAdam(params: Tensor[]): Promise<DescentOptimizer | null> {
  try {
    const optim = await import('@descent/optim' as string) as {
      createOptimizer?: (name: string, params: Tensor[], options: Record<string, unknown>) => { step(): void; zeroGrad(): void };
    };
    if (typeof optim.createOptimizer !== 'function') return null;
    const opt = optim.createOptimizer('adam', params, { lr: LR, betas: [...BETAS], eps: EPS });
    return { name: '@descent/optim adam', step: () => opt.step() };
  } catch {
    return null;
  }
}

/** The descent MLP, built from plain tensor ops; `optimizer` picks the Adam implementation. */
export async function descentTrainer(init: InitialParams, batches: Batch[], optimizer: 'fused' | 'optim' | 'tfjs-arithmetic' = 'fused'): Promise<Trainer & { optimizerName: string; params: Tensor[] }> {
  const params = init.values.map((v, i) => tensor(v.slice(), { shape: init.shapes[i] }).requireGrad());
  const xs = batches.map((b) => tensor(b.x, { shape: [BATCH, SIZES[0]] }));
  const labels = batches.map((b) => Array.from(b.labels));
  let opt: DescentOptimizer | null = optimizer === 'optim' ? await optimAdam(params) : null;
  if (optimizer === 'tfjs-arithmetic') {
    const tfLike = new TfjsArithmeticAdam(params);
    opt = { name: 'Adam with tfjs float32 arithmetic', step: () => tfLike.step() };
  }
  if (!opt) {
    const fused = new FusedAdam(params);
    opt = { name: 'bench fused Adam', step: () => fused.step() };
  }
  const [W1, b1, W2, b2, W3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const o = opt;
  return {
    optimizerName: o.name,
    params,
    step(i) {
      const k = i % xs.length;
      // forward and backward in a memory scope, as tfjs's minimize runs in tf.tidy
      const value = tidy(() => {
        const h1 = relu(add(matmul(xs[k]!, W1), b1));
        const h2 = relu(add(matmul(h1, W2), b2));
        const logits = add(matmul(h2, W3), b3);
        const loss = crossEntropy(logits, labels[k]!);
        loss.backward();
        return loss.item();
      });
      o.step();
      for (const p of params) p.grad = null;
      return value;
    },
    dispose() {},
  };
}

// ── TensorFlow.js ──────────────────────────────────────────────────────────────────────────────

/** The same MLP in tfjs on its active backend, trained with `tf.train.adam(lr, β1, β2, ε=1e-8)`. */
export function tfTrainer(tf: Tf, init: InitialParams, batches: Batch[]): Trainer {
  const vars = init.values.map((v, i) => tf.variable(tf.tensor(v.slice(), init.shapes[i]!, 'float32')));
  const xs = batches.map((b) => tf.tensor2d(b.x, [BATCH, SIZES[0]]));
  const ys = batches.map((b) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(b.labels, 'int32'), SIZES[3]), 'float32')));
  const opt = tf.train.adam(LR, BETAS[0], BETAS[1], EPS);
  const [W1, b1, W2, b2, W3, b3] = vars as [import('@tensorflow/tfjs').Variable, ...import('@tensorflow/tfjs').Variable[]];
  return tfStepRunner(opt, vars, [...xs, ...ys], (i) => {
    const k = i % xs.length;
    const h1 = tf.relu(tf.add(tf.matMul(xs[k]!, W1), b1!));
    const h2 = tf.relu(tf.add(tf.matMul(h1, W2!), b2!));
    const logits = tf.add(tf.matMul(h2, W3!), b3!);
    return tf.losses.softmaxCrossEntropy(ys[k]!, logits) as import('@tensorflow/tfjs').Scalar;
  });
}
