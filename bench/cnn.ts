// The CNN sections of `npm run bench`: conv2d forward+backward of LeNet-sized layers, and a full
// training step of a small MNIST CNN, descent side by side with tfjs-cpu and tfjs-wasm.
// tfjs runs its native NHWC layout; descent runs NCHW (PyTorch's). Same sizes, same initial weights.
import { conv2d, gradients, Rng, sum, tensor, tidy } from '@descent/tensor';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, crossEntropyLoss } from '@descent/layers';
import { createOptimizer } from '@descent/optim';
import { loadMnist } from '@descent/cli';
import { gc, timeIt } from './lib/timing.js';
import { tfStepRunner, timeSteps, type StepRunner } from './lib/train_step.js';
import { useTfBackend, type TfBackend } from './lib/tfjs.js';
import { registerWasmConv2dFilterGrad } from './lib/tfjs_wasm_conv.js';

/** What a section gets from bench/index.ts. */
export interface SectionContext {
  quick: boolean;
  results: Record<string, unknown>;
  addRow(metric: string, row: Partial<Record<'descent' | 'tfjs_cpu' | 'tfjs_wasm', number>>, higher: boolean, digits?: number): void;
  log(line?: string): void;
  /** The tfjs backends the conv layers are compared with (default both; tfjs-cpu takes minutes on the 32→64 layer). */
  peers?: ReadonlyArray<'tfjs_cpu' | 'tfjs_wasm'>;
}

const TF_BACKEND = { tfjs_cpu: 'cpu', tfjs_wasm: 'wasm' } as const satisfies Record<string, TfBackend>;

const BATCH = 64;
const SIZE = 28;

function uniformArray(n: number, rng: Rng, bound: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * rng.uniform() - 1) * bound;
  return a;
}

/** NCHW [n, c, h, w] → NHWC, and OIHW [o, i, kh, kw] → HWIO (tfjs's layouts). */
function toNhwc(a: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < n!; b++) for (let ch = 0; ch < c!; ch++) for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) {
    out[((b * h! + y) * w! + x) * c! + ch] = a[((b * c! + ch) * h! + y) * w! + x]!;
  }
  return out;
}
function toHwio(a: Float32Array, [o, i, kh, kw]: number[]): Float32Array {
  const out = new Float32Array(a.length);
  for (let p = 0; p < o!; p++) for (let q = 0; q < i!; q++) for (let y = 0; y < kh!; y++) for (let x = 0; x < kw!; x++) {
    out[((y * kw! + x) * i! + q) * o! + p] = a[((p * i! + q) * kh! + y) * kw! + x]!;
  }
  return out;
}

/** conv2d forward + backward (weight, bias and, when `inputGrad`, input) of one 3×3 'same' layer. */
export async function benchConvLayers(ctx: SectionContext): Promise<void> {
  const rng = new Rng(7);
  const layers = [[1, 32, false], [32, 64, true]] as const;
  const out: Record<string, Record<string, number>> = {};
  for (const [cin, cout, inputGrad] of layers) {
    const xShape = [BATCH, cin, SIZE, SIZE], wShape = [cout, cin, 3, 3];
    const xv = uniformArray(BATCH * cin * SIZE * SIZE, rng, 1);
    const wv = uniformArray(cout * cin * 9, rng, 1 / Math.sqrt(cin * 9));
    const bv = uniformArray(cout, rng, 0.1);
    const budget = { warmup: 2, minReps: ctx.quick ? 3 : 7, minTotalMs: ctx.quick ? 300 : 1500 };
    const row: Record<string, number> = {};
    {
      const x = tensor(xv, { shape: xShape }), w = tensor(wv, { shape: wShape }), b = tensor(bv, { shape: [cout] });
      const wrt = inputGrad ? [x, w, b] : [w, b];
      for (const t of wrt) t.requireGrad();
      row.descent = timeIt(() => tidy(() => { gradients(sum(conv2d(x, w, { bias: b, padding: 1 })), wrt); }), budget);
    }
    for (const peer of ctx.peers ?? ['tfjs_cpu', 'tfjs_wasm'] as const) {
      const tf = await useTfBackend(TF_BACKEND[peer]);
      registerWasmConv2dFilterGrad(tf);
      const x = tf.tensor4d(toNhwc(xv, xShape), [BATCH, SIZE, SIZE, cin]);
      const w = tf.tensor4d(toHwio(wv, wShape), [3, 3, cin, cout]);
      const b = tf.tensor1d(bv);
      type T = Parameters<typeof tf.sum>[0];
      const f = (xx: T, ww: T, bb: T) => tf.sum(tf.add(tf.conv2d(xx as typeof x, ww as typeof w, 1, 'same'), bb));
      const step = inputGrad ? () => tf.grads((...a: T[]) => f(a[0]!, a[1]!, a[2]!))([x, w, b]) : () => tf.grads((...a: T[]) => f(x, a[0]!, a[1]!))([w, b]);
      row[peer] = timeIt(() => { tf.tidy(() => { step(); }); }, budget);
      tf.dispose([x, w, b]);
    }
    const name = `${cin}→${cout}`;
    out[name] = row;
    ctx.addRow(`conv2d ${name} 3×3 fwd+bwd ms`, row, false);
    gc();
  }
  ctx.results.conv2d_fwd_bwd_ms = { batch: BATCH, size: `${SIZE}×${SIZE}`, padding: 'same', ...out };
}

// ── a full training step of a small CNN ──────────────────────────────────────────────────────────
// conv 1→32 3×3 'same' → ReLU → max-pool 2 → conv 32→64 3×3 'same' → ReLU → max-pool 2 → linear 3136→10,
// softmax cross-entropy, SGD with momentum 0.9 (lr 0.01), batch 64 of real MNIST digits.
const CHANNELS = [1, 32, 64] as const;
const FLAT = CHANNELS[2] * 7 * 7;
const LR = 0.01;
const MOMENTUM = 0.9;

/** PyTorch-style initial weights, shared by every framework: [w1, b1, w2, b2, w3 [3136, 10] in NCHW flatten order, b3]. */
export function cnnInit(seed = 11): Float32Array[] {
  const rng = new Rng(seed);
  const out: Float32Array[] = [];
  for (let l = 0; l < 2; l++) {
    const fanIn = CHANNELS[l]! * 9, bound = 1 / Math.sqrt(fanIn);
    out.push(uniformArray(CHANNELS[l + 1]! * fanIn, rng, bound), uniformArray(CHANNELS[l + 1]!, rng, bound));
  }
  const bound = 1 / Math.sqrt(FLAT);
  out.push(uniformArray(FLAT * 10, rng, bound), uniformArray(10, rng, bound));
  return out;
}

/** Rows of the [3136, 10] classifier weight reordered from NCHW flatten order (c·49 + p) to NHWC (p·64 + c). */
function toNhwcRows(w: Float32Array): Float32Array {
  const out = new Float32Array(w.length), C = CHANNELS[2];
  for (let c = 0; c < C; c++) for (let p = 0; p < 49; p++) out.set(w.subarray((c * 49 + p) * 10, (c * 49 + p + 1) * 10), (p * C + c) * 10);
  return out;
}

export function descentCnn(init: Float32Array[], xs: Float32Array[], ys: number[][]): StepRunner {
  const rng = new Rng(0);
  const model = new Sequential(
    new Conv2d(1, 32, 3, { rng, padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { rng, padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(FLAT, 10, { rng }),
  );
  const params = model.parameters();
  params.forEach((p, i) => p.assign(tensor(init[i]!, { shape: p.shape })));
  const opt = createOptimizer('sgd', params, { lr: LR, momentum: MOMENTUM });
  const inputs = xs.map((x) => tensor(x, { shape: [BATCH, 1, SIZE, SIZE] }));
  return {
    step(i) {
      const k = i % inputs.length;
      // forward and backward in a memory scope, as tfjs's minimize runs in tf.tidy
      const value = tidy(() => {
        const loss = crossEntropyLoss(model.call(inputs[k]!), ys[k]!);
        loss.backward();
        return loss.item();
      });
      opt.step();
      opt.zeroGrad();
      return value;
    },
    dispose() {},
  };
}

export async function tfCnn(backend: TfBackend, init: Float32Array[], xs: Float32Array[], ys: number[][]): Promise<StepRunner> {
  const tf = await useTfBackend(backend);
  registerWasmConv2dFilterGrad(tf);
  const [w1, b1, w2, b2, w3, b3] = init as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const vars = [
    tf.variable(tf.tensor4d(toHwio(w1, [32, 1, 3, 3]), [3, 3, 1, 32])), tf.variable(tf.tensor1d(b1)),
    tf.variable(tf.tensor4d(toHwio(w2, [64, 32, 3, 3]), [3, 3, 32, 64])), tf.variable(tf.tensor1d(b2)),
    tf.variable(tf.tensor2d(toNhwcRows(w3), [FLAT, 10])), tf.variable(tf.tensor1d(b3)),
  ];
  const [W1, B1, W2, B2, W3, B3] = vars as [typeof vars[0], typeof vars[0], typeof vars[0], typeof vars[0], typeof vars[0], typeof vars[0]];
  const inputs = xs.map((x) => tf.tensor4d(x, [BATCH, SIZE, SIZE, 1]));
  const labels = ys.map((y) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), 10), 'float32')));
  const opt = tf.train.momentum(LR, MOMENTUM);
  return tfStepRunner(opt, vars, [...inputs, ...labels], (i) => {
    const k = i % inputs.length;
    const c1 = tf.maxPool(tf.relu<import('@tensorflow/tfjs').Tensor4D>(tf.add(tf.conv2d(inputs[k]!, W1 as never, 1, 'same'), B1)), 2, 2, 'valid');
    const c2 = tf.maxPool(tf.relu<import('@tensorflow/tfjs').Tensor4D>(tf.add(tf.conv2d(c1, W2 as never, 1, 'same'), B2)), 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(c2, [BATCH, FLAT]), W3 as never), B3);
    return tf.losses.softmaxCrossEntropy(labels[k]!, logits) as import('@tensorflow/tfjs').Scalar;
  });
}

/** Median wall time of a CNN training step, each framework from the same weights and MNIST batches. */
export async function benchCnnStep(ctx: SectionContext): Promise<void> {
  const batches = 4;
  const data = loadMnist({ trainSize: batches * BATCH, testSize: 1, seed: 3 });
  const pixels = data.train.x.data() as Float32Array;
  const xs = Array.from({ length: batches }, (_, b) => pixels.slice(b * BATCH * SIZE * SIZE, (b + 1) * BATCH * SIZE * SIZE));
  const ys = Array.from({ length: batches }, (_, b) => data.train.y.slice(b * BATCH, (b + 1) * BATCH));
  const init = cnnInit();
  const stepsOf = { descent: ctx.quick ? 8 : 20, tfjs_wasm: ctx.quick ? 8 : 20, tfjs_cpu: ctx.quick ? 3 : 5 };
  const row: Partial<Record<'descent' | 'tfjs_cpu' | 'tfjs_wasm', number>> = {};
  const firstLoss: Record<string, number> = {};
  const time = (peer: keyof typeof stepsOf, runner: StepRunner) => {
    const { ms, losses } = timeSteps(runner, stepsOf[peer] + 2, 2); // after two warm-up steps
    row[peer] = ms;
    firstLoss[peer] = losses[0]!;
  };
  time('descent', descentCnn(init, xs, ys));
  // NHWC images for tfjs: one channel, so the same values in the same order
  // both peers always: cnn_step_ms has the three columns (a tfjs-cpu step takes seconds, not minutes)
  for (const peer of ['tfjs_wasm', 'tfjs_cpu'] as const) time(peer, await tfCnn(TF_BACKEND[peer], init, xs, ys));
  ctx.results.cnn_step_ms = row;
  ctx.results.cnn = {
    model: 'conv 1→32 3×3 same, ReLU, maxpool 2, conv 32→64 3×3 same, ReLU, maxpool 2, linear 3136→10; SGD momentum 0.9, lr 0.01; batch 64 MNIST',
    steps_timed: stepsOf, first_step_loss: firstLoss,
    note: 'tfjs-wasm 4.22 has no Conv2DBackpropFilter kernel; the bench registers one on its Conv3DBackpropFilterV2 kernel (bench/lib/tfjs_wasm_conv.ts)',
  };
  ctx.addRow('CNN train step ms', row, false);
  ctx.log(`  first-step loss (same weights and batch): ${Object.entries(firstLoss).map(([k, v]) => `${k} ${v.toFixed(5)}`).join(', ')}`);
}
