// conv2d and the 2-D pools beyond the float64 gradient check: float32 against float64, the JS and
// SIMD gemm agreeing, a direct-loop reference, and typed errors for bad input.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { cpuBackend, DTypeError, Rng, ShapeError, ValueError, valueAndGrads, type Tensor } from '@descent/tensor';

type F = (x: Tensor, w: Tensor) => Tensor;
const cases: Array<[string, number[], number[], F]> = [
  ['conv2d stride/pad/dilation/groups + bias', [2, 4, 9, 8], [6, 2, 3, 2],
    (x, w) => T.conv2d(x, w, { bias: T.sum(w, [1, 2, 3]), stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 })],
  ["conv2d 'same' with an even kernel", [2, 3, 6, 5], [4, 3, 4, 2], (x, w) => T.conv2d(x, w, { padding: 'same' })],
  ['conv2d 1×1', [2, 5, 4, 3], [3, 5, 1, 1], (x, w) => T.conv2d(x, w)],
  ['maxPool2d', [2, 3, 7, 6], [1], (x) => T.maxPool2d(x, 3, { stride: 2, padding: 1 })],
  ['avgPool2d countIncludePad false', [2, 3, 7, 6], [1], (x) => T.avgPool2d(x, [3, 2], { stride: [2, 1], padding: 1, countIncludePad: false })],
  ['batchNorm (weight [C] from w)', [3, 4, 5, 6], [4], (x, w) => T.batchNorm(x, { weight: w, bias: T.mul(w, 0.5) })],
  ['batchNorm with given statistics', [2, 4, 3, 3], [4], (x, w) => T.batchNorm(x, { weight: w, mean: T.mul(w, 0.1), variance: T.add(T.mul(w, w), 0.5) })],
  ['adaptiveAvgPool2d 3×4', [2, 3, 7, 6], [1], (x) => T.adaptiveAvgPool2d(x, [3, 4])],
];

function run(f: F, xs: number[], ws: number[], dtype: 'float32' | 'float64', seed = 5) {
  const rng = new Rng(seed);
  const x = T.uniform(xs, -1, 1, rng, { dtype });
  const w = T.uniform(ws, -1, 1, rng, { dtype });
  const c = T.uniform(f(x, w).shape, 0.5, 1.5, rng, { dtype });
  const { value, grads } = valueAndGrads((a: Tensor, b: Tensor) => T.sum(T.mul(f(a, b), c)))(x, w);
  return { value: value.item(), gx: Array.from(grads[0]!.data()), gw: Array.from(grads[1]!.data()) };
}

describe('conv2d and 2-D pooling', () => {
  for (const [name, xs, ws, f] of cases) {
    it(`${name}: float32 agrees with float64 (value and gradients)`, () => {
      const a = run(f, xs, ws, 'float32'), b = run(f, xs, ws, 'float64');
      expect(Math.abs(a.value - b.value)).to.be.below(1e-4 * (1 + Math.abs(b.value)));
      for (const k of ['gx', 'gw'] as const) a[k].forEach((v, i) => expect(Math.abs(v - b[k][i]!), `${k}[${i}]`).to.be.below(1e-4));
    });
  }

  it('conv2d: the JS and the WebAssembly gemm give the same bits in float64, agree to float32 rounding in float32', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const on = (kernel: 'js' | 'wasm') => {
        const previous = cpuBackend.setMatmulKernel(kernel);
        try { return run(cases[0]![3], [3, 4, 16, 16], [8, 2, 3, 3], dtype); } finally { cpuBackend.setMatmulKernel(previous); }
      };
      const js = on('js'), wasm = on('wasm');
      if (dtype === 'float64') { expect(wasm).to.deep.equal(js); continue; }
      expect(Math.abs(wasm.value - js.value)).to.be.below(1e-5 * Math.abs(js.value));
      for (const k of ['gx', 'gw'] as const) wasm[k].forEach((v, i) => expect(Math.abs(v - js[k][i]!), `${k}[${i}]`).to.be.below(1e-4 * (1 + Math.abs(js[k][i]!))));
    }
  });

  it('conv2d equals a direct loop over the definition', () => {
    const rng = new Rng(9);
    const [N, C, H, W, O, G, kh, kw, s, p, d] = [2, 4, 6, 7, 4, 2, 2, 3, 2, 1, 2];
    const x = T.uniform([N, C, H, W], -1, 1, rng, { dtype: 'float64' });
    const w = T.uniform([O, C / G, kh, kw], -1, 1, rng, { dtype: 'float64' });
    const y = T.conv2d(x, w, { stride: s, padding: p, dilation: d, groups: G });
    const [, , Ho, Wo] = y.shape as [number, number, number, number];
    const xv = x.data(), wv = w.data(), yv = y.data();
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
      const g = Math.floor(o / (O / G));
      let sum = 0;
      for (let c = 0; c < C / G; c++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
        const ih = i * s - p + a * d, iw = j * s - p + b * d;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) sum += xv[((n * C + g * (C / G) + c) * H + ih) * W + iw]! * wv[((o * (C / G) + c) * kh + a) * kw + b]!;
      }
      expect(yv[((n * O + o) * Ho + i) * Wo + j]).to.be.closeTo(sum, 1e-12);
    }
  });

  it('batchNorm and batchMoments equal the definition (float32 and float64)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = T.uniform([3, 2, 4], -2, 2, new Rng(9), { dtype });
      const w = T.tensor([1.5, -0.5], { dtype }), b = T.tensor([0.25, 2], { dtype });
      const mean = T.mean(x, [0, 2], { keepDims: true });
      const variance = T.mean(T.pow(T.sub(x, mean), 2), [0, 2], { keepDims: true });
      const want = T.add(T.mul(T.div(T.sub(x, mean), T.sqrt(T.add(variance, 1e-3))), T.reshape(w, [1, 2, 1])), T.reshape(b, [1, 2, 1]));
      const tol = dtype === 'float32' ? 1e-5 : 1e-12;
      const got = T.batchNorm(x, { weight: w, bias: b, eps: 1e-3 }).data(), ref = want.data();
      ref.forEach((v, i) => expect(got[i]).to.be.closeTo(v, tol));
      const moments = T.batchMoments(x).data();
      [...mean.data(), ...variance.data()].forEach((v, i) => expect(moments[i]).to.be.closeTo(v, tol));
    }
  });

  it('rejects bad input with typed errors naming the op and argument', () => {
    const x = T.zeros([1, 4, 5, 5]), w = T.zeros([2, 4, 3, 3]);
    const bad: Array<[() => unknown, new (...a: never[]) => Error, RegExp]> = [
      [() => T.conv2d(T.zeros([4, 5, 5]), w), ShapeError, /conv2d: x must be 4-D \[batch, channels, height, width\], but got shape \[4,5,5\]/],
      [() => T.conv2d(x, T.zeros([2, 4, 3])), ShapeError, /conv2d: w must be 4-D/],
      [() => T.conv2d(x, T.zeros([2, 3, 3, 3])), ShapeError, /expects 3 input channels \(groups=1\), but x \[1,4,5,5\] has 4/],
      [() => T.conv2d(x, T.zeros([3, 2, 3, 3]), { groups: 2 }), ValueError, /groups=2 must divide both the input channels \(4\) and the output channels \(3\)/],
      [() => T.batchNorm(x, { weight: T.ones([3]) }), ShapeError, /batchNorm: weight must be \[4\] \(one per channel\), but got shape \[3\]/],
      [() => T.batchNorm(T.zeros([1, 4])), ValueError, /batchNorm: expected more than 1 value per channel, but got x of shape \[1,4\]/],
      [() => T.batchNorm(x, { mean: T.zeros([4]) }), ValueError, /batchNorm: give both mean and variance, or neither/],
      [() => T.batchNorm(x, { eps: -1 }), ValueError, /batchNorm: eps must be a finite number ≥ 0, but got -1/],
      [() => T.batchNorm(x, { bias: T.zeros([4], { dtype: 'float64' }) }), DTypeError, /batchNorm: dtypes differ: x is float32, bias is float64/],
      [() => T.batchMoments(T.zeros([4])), ShapeError, /batchMoments: x must be \[batch, channels, ...\], but got shape \[4\]/],
      [() => T.conv2d(x, w, { stride: 0 }), ValueError, /conv2d: stride must be an integer ≥ 1 or a pair of them, but got 0/],
      [() => T.conv2d(x, w, { padding: 'full' as never }), ValueError, /padding must be an integer ≥ 0, a pair, 'same' or 'valid', but got 'full'/],
      [() => T.conv2d(x, w, { padding: 'same', stride: 2 }), ValueError, /padding 'same' needs stride 1/],
      [() => T.conv2d(x, w, { bias: T.zeros([3]) }), ShapeError, /bias must be \[2\]/],
      [() => T.conv2d(x, T.zeros([2, 4, 3, 3], { dtype: 'float64' })), DTypeError, /conv2d: dtypes differ: x is float32, w is float64/],
      [() => T.conv2d(x, T.zeros([2, 4, 7, 3])), ShapeError, /kernel 7×3 .* is larger than the padded input/],
      [() => T.maxPool2d(x, 2, { padding: 2 }), ValueError, /maxPool2d: padding must be at most half the kernel size/],
      [() => T.maxPool2d(x, [2, 0]), ValueError, /maxPool2d: kernelSize must be an integer ≥ 1/],
      [() => T.avgPool2d(x, 6), ShapeError, /avgPool2d: the window 6×6 is larger than the padded input/],
      [() => T.avgPool2d(x, 2, { countIncludePad: 'yes' as never }), ValueError, /avgPool2d: .*countIncludePad.* must be a boolean/],
      [() => T.adaptiveAvgPool2d(x, 0), ValueError, /adaptiveAvgPool2d: outputSize must be an integer ≥ 1/],
      [() => T.adaptiveAvgPool2d(T.zeros([5, 5]), 1), ShapeError, /adaptiveAvgPool2d: x must be 4-D/],
    ];
    for (const [f, type, message] of bad) expect(f).to.throw(type, message);
  });
});
