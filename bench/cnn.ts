// The CNN sections of `npm run bench`: conv2d forward+backward of LeNet-sized layers, and a full
// training step of a small MNIST CNN, descent side by side with tfjs-cpu and tfjs-wasm.
// tfjs runs its native NHWC layout; descent runs NCHW (PyTorch's). Same sizes, same initial weights.
import { conv2d, gradients, Rng, sum, tensor, type Tensor } from '@descent/tensor';
import { gc, timeIt } from './lib/timing.js';
import { useTfBackend, type TfBackend } from './lib/tfjs.js';
import { registerWasmConv2dFilterGrad } from './lib/tfjs_wasm_conv.js';

/** What a section gets from bench/index.ts. */
export interface SectionContext {
  quick: boolean;
  results: Record<string, unknown>;
  addRow(metric: string, row: Partial<Record<'descent' | 'tfjs_cpu' | 'tfjs_wasm', number>>, higher: boolean, digits?: number): void;
  log(line?: string): void;
}

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
      row.descent = timeIt(() => { gradients(sum(conv2d(x, w, { bias: b, padding: 1 })), wrt); }, budget);
    }
    for (const [peer, backend] of [['tfjs_cpu', 'cpu'], ['tfjs_wasm', 'wasm']] as const satisfies ReadonlyArray<readonly [string, TfBackend]>) {
      const tf = await useTfBackend(backend);
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
