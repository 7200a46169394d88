// The WebAssembly loops that run on tensors in the tensor heap (max pooling and its gradient, im2col
// and its fold, batch norm's sums, normalisation and gradients) against the JS loops that run on ordinary arrays: the same op on the same values, once
// inside a memory scope (heap, WebAssembly) and once outside (JS), must give the same bits, NaN,
// ±0, ±∞ and ties included, in float32 and float64.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { heapStats, keep, Rng, tidy, valueAndGrads, type Tensor } from '@descent/tensor';
import { heapMemory } from '../../packages/tensor/src/heap.js';

type Dtype = 'float32' | 'float64';
type Op = (x: Tensor, w: Tensor) => Tensor;

/** Values with every awkward case: ties (small integers), ±0, ±∞, NaN, subnormals, and noise. */
function awkwardValues(n: number, rng: Rng, withNaN: boolean): number[] {
  const special = [0, -0, Infinity, -Infinity, 1e-40, -1e-40, ...(withNaN ? [NaN] : [])];
  return Array.from({ length: n }, () => {
    const u = rng.uniform();
    if (u < 0.05) return special[Math.floor(rng.uniform() * special.length)]!;
    if (u < 0.5) return Math.floor(rng.uniform() * 5) - 2; // many ties
    return 2 * rng.uniform() - 1;
  });
}

/** Value and gradients (x, w) of sum(op(x, w) · c), with the tensors made inside a scope or not. */
function evaluate(op: Op, xv: number[], xs: number[], wv: number[], ws: number[], dtype: Dtype, inScope: boolean, pool: boolean) {
  const body = () => {
    // x as a kernel's output (×1 keeps every bit but a NaN's payload): inside a scope, kernels' outputs live in the heap
    const x = T.mul(T.tensor(xv, { shape: xs, dtype }), 1), w = T.tensor(wv, { shape: ws, dtype });
    if (inScope) expect(x.values.data.buffer, 'x must live in the tensor heap for this test to reach the WebAssembly loops').to.equal(heapMemory()!.buffer);
    const y = op(x, w);
    // a pool's WebAssembly loops need its output (and dy) in the heap too
    if (inScope && pool) expect(y.values.data.buffer, 'the pool output must live in the tensor heap').to.equal(heapMemory()!.buffer);
    const c = T.tensor(Array.from({ length: y.size }, (_, i) => ((i * 7) % 5) - 2 + 0.25), { shape: y.shape, dtype });
    const { grads } = valueAndGrads((a: Tensor, b: Tensor) => T.sum(T.mul(op(a, b), c)))(x, w);
    return [y, ...grads].map((t) => keep(t));
  };
  const out = inScope ? tidy(() => body()) : body();
  return out.map((t) => Array.from(t.data()));
}

function expectSameBits(a: number[], b: number[], what: string): void {
  expect(a.length, what).to.equal(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${what}: element ${i} differs: ${a[i]} (heap, WebAssembly) vs ${b[i]} (JS)`);
  }
}

// [name, x shape, w shape, op, pool (NaN inputs; output in the heap)]
const cases: Array<[string, number[], number[], Op, boolean]> = [
  ['maxPool2d 2×2', [4, 8, 28, 28], [1], (x) => T.maxPool2d(x, 2), true],
  ['maxPool2d 3×3 stride 2 padding 1, odd sizes', [4, 8, 27, 25], [1], (x) => T.maxPool2d(x, 3, { stride: 2, padding: 1 }), true],
  ['maxPool2d [2,3] stride [1,2]', [4, 6, 20, 21], [1], (x) => T.maxPool2d(x, [2, 3], { stride: [1, 2] }), true],
  ['conv2d 3×3 padding 1', [4, 6, 14, 14], [8, 6, 3, 3], (x, w) => T.conv2d(x, w, { padding: 1 }), false],
  ['conv2d stride, padding, dilation, groups', [3, 4, 21, 19], [6, 2, 3, 2], (x, w) => T.conv2d(x, w, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), false],
  ["conv2d 'same' even kernel", [2, 3, 30, 29], [4, 3, 4, 2], (x, w) => T.conv2d(x, w, { padding: 'same' }), false],
  ['conv2d stride 3, no padding', [2, 2, 40, 41], [3, 2, 5, 5], (x, w) => T.conv2d(x, w, { stride: 3 }), false],
  ['batchNorm γ, β', [4, 8, 14, 14], [8], (x, w) => T.batchNorm(x, { weight: w, bias: T.mul(w, 0.5) }), false],
  ['batchNorm, S = 143 (partial sums with remainders)', [6, 5, 13, 11], [5], (x, w) => T.batchNorm(x, { weight: w }), false],
  ['batchNorm [N, C] (S = 1)', [2048, 3], [3], (x, w) => T.batchNorm(x, { bias: w }), false],
  ['batchNorm with given statistics', [4, 8, 14, 14], [8], (x, w) => T.batchNorm(x, { weight: w, mean: T.mul(w, 0.1), variance: T.add(T.mul(w, w), 0.5) }), false],
];

describe('tensor heap kernels (WebAssembly) against the JS loops', () => {
  before(function () {
    if (heapMemory() === null) this.skip(); // no WebAssembly here: only the JS loops exist
  });
  afterEach(() => expect(heapStats().blocks, 'heap blocks left (a column buffer not given back?)').to.equal(0));
  for (const [name, xs, ws, op, pool] of cases) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name}, ${dtype}: same bits in and out of a memory scope`, () => {
        const rng = new Rng(11);
        const xv = awkwardValues(xs.reduce((a, b) => a * b, 1), rng, pool);
        // conv: finite inputs (∞·0 makes NaNs whose sign the gemm's order decides, a separate matter)
        const xFinite = pool ? xv : xv.map((v) => (Number.isFinite(v) ? v : 3));
        const wv = Array.from({ length: ws.reduce((a, b) => a * b, 1) }, () => Math.floor(rng.uniform() * 7) / 4 - 0.75);
        const heap = evaluate(op, xFinite, xs, wv, ws, dtype, true, pool);
        const js = evaluate(op, xFinite, xs, wv, ws, dtype, false, pool);
        for (const [k, what] of ['output', 'gradient of x', 'gradient of w'].entries()) expectSameBits(heap[k]!, js[k]!, what);
      });
    }
  }
});
