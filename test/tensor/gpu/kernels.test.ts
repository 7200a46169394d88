// Every gpu.js kernel against the CPU kernel, in float32, in each gpu.js mode that runs here
// (cpu and webasm everywhere gpu.js is installed; headlessgl under Xvfb with a built gl).
// Tolerance: 1e-4 relative to the CPU backend's value, plus a small absolute term for values near 0.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { findBackend, getBackend, listKernels, Rng, setBackend, tensor, valueAndGrads, type Tensor } from '@descent/tensor';
import type { GpuHandle } from '@descent/tensor/gpu';
import { describeEachGpuMode } from '../../helpers/backends.js';

const RTOL = 1e-4;

/** Run `fn` with `name` as the active backend, restoring the previous one. */
function on<R>(name: string, fn: () => R): R {
  const before = getBackend().name;
  setBackend(name);
  try { return fn(); } finally { setBackend(before); }
}

/** Inputs are built on the CPU from plain values, so both backends see the same numbers. */
function rand(shape: number[], seed: number, lo = -2, hi = 2): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng.uniform();
  return out;
}

/** f on the active gpu backend vs f on the CPU backend; inputs given as (values, shape) pairs. */
function agree(f: (...xs: Tensor[]) => Tensor, inputs: [Float32Array, number[]][], opts: { rtol?: number; atol?: number; exact?: boolean } = {}): void {
  const gpu = getBackend().name;
  const make = () => inputs.map(([v, s]) => tensor(v.slice(), { shape: s }));
  const got = f(...make());
  const want = on('cpu', () => f(...make()));
  expect(got.shape, 'shape').to.deep.equal(want.shape);
  expect(got.dtype, 'dtype').to.equal(want.dtype);
  expect(got.handle.backend, 'result backend').to.equal(gpu);
  const g = got.data(), w = want.data();
  const scale = Array.from(w).reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 0);
  const rtol = opts.rtol ?? RTOL;
  const atol = opts.atol ?? rtol * Math.max(scale, 1) * 0.1;
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!, b = w[i]!;
    if (Number.isNaN(b)) { expect(Number.isNaN(a), `element ${i}: expected NaN, got ${a}`).to.equal(true); continue; }
    if (!Number.isFinite(b)) { expect(a, `element ${i}`).to.equal(b); continue; }
    if (opts.exact) { expect(a, `element ${i}`).to.equal(b); continue; }
    const err = Math.abs(a - b);
    if (!(err <= atol || err <= rtol * Math.abs(b))) expect.fail(`element ${i}: gpu ${a}, cpu ${b} (|diff| ${err.toExponential(2)})`);
  }
}

const BROADCASTS: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]], [[2, 3, 4], [4]], [[2, 3, 4], [3, 1]], [[1, 3, 1], [2, 1, 4]], [[6, 1], [1, 7]], [[5], []], [[], [5]], [[], []], [[64, 33], [33]],
];

function suite(matmulOnly = false): void {
  if (!matmulOnly) {
    it('binary arithmetic with broadcasting', () => {
      BROADCASTS.forEach(([sa, sb], k) => {
        const a = rand(sa, 10 + k), b = rand(sb, 20 + k), pos = rand(sb, 30 + k, 0.5, 2);
        agree(T.add, [[a, sa], [b, sb]]);
        agree(T.sub, [[a, sa], [b, sb]]);
        agree(T.mul, [[a, sa], [b, sb]]);
        agree(T.div, [[a, sa], [pos, sb]]);
        agree((x, y) => T.pow(T.abs(x), y), [[a, sa], [b, sb]]);
      });
    });

    it('pow with tensor exponents: integer, fractional, negative bases, zero', () => {
      const base = new Float32Array([2, -2, 3, -3, 0, 0, 1.5, -1.5, 0.5, 7, -1, 4]);
      const exp = new Float32Array([3, 3, 2, 3, 2, -1, 2.5, 2, -3, 0, 21, 0.5]);
      agree(T.pow, [[base, [12]], [exp, [12]]]);
      expect(T.pow(tensor([2, 3]), tensor([3, 2])).toArray()).to.deep.equal([8, 9]);
    });

    it('comparisons and where are exact', () => {
      const a = new Float32Array([1, 2, 3, 2, -1, 0]), b = new Float32Array([2, 2, 2]);
      for (const op of [T.greater, T.greaterEqual, T.less, T.lessEqual, T.equal, T.notEqual]) {
        agree(op, [[a, [2, 3]], [b, [3]]], { exact: true });
      }
      agree((c, x, y) => T.where(c, x, y), [[new Float32Array([1, 0, 1]), [3]], [rand([2, 3], 1), [2, 3]], [rand([2, 1], 2), [2, 1]]], { exact: true });
    });

    it('unary functions, including the tails where float32 loses digits', () => {
      const wide = rand([257], 3, -6, 6);
      const tiny = new Float32Array([1e-7, -1e-6, 3e-5, -2e-4, 1e-3, -0.009, 0.02, -0.09, 0.11, 0]);
      const big = new Float32Array([-80, -30, -10, 10, 30, 80, 0, -0.5, 0.5]);
      for (const op of [T.neg, T.exp, T.abs, T.sign, T.relu, T.sigmoid, T.tanh, T.softplus]) agree(op, [[wide, [257]]]);
      for (const op of [T.tanh, T.log1p, T.sigmoid, T.softplus]) agree(op, [[tiny, [10]]], { atol: 0 });
      for (const op of [T.sigmoid, T.softplus, T.tanh]) agree(op, [[big, [9]]]);
      const positive = rand([100], 4, 0.001, 50);
      for (const op of [T.log, T.sqrt, T.log1p]) agree(op, [[positive, [100]]]);
      agree(T.log1p, [[rand([50], 5, -0.99, 3), [50]]]);
    });

    it('powScalar for every kind of exponent', () => {
      const x = rand([40], 6, -3, 3), pos = rand([40], 7, 0.1, 3);
      for (const p of [0, 1, 2, 3, -1, -2, 16, 0.5]) agree((t) => T.pow(t, p), [[x, [40]]]);
      for (const p of [1.5, -2.5, 17, 1 / 3]) agree((t) => T.pow(t, p), [[pos, [40]]]);
      agree((t) => T.pow(t, 17), [[x, [40]]]); // integer above 16 through pow(): sign kept
      agree((t) => T.pow(t, 1.5), [[x, [40]]]); // negative base, fractional power: NaN as on the CPU
    });

    it('sum and max over every axis combination, with keepDims', () => {
      const x = rand([3, 4, 5], 8);
      for (const axes of [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]]) {
        for (const keepDims of [false, true]) {
          agree((t) => T.sum(t, axes, { keepDims }), [[x, [3, 4, 5]]]);
          agree((t) => T.max(t, axes, { keepDims }), [[x, [3, 4, 5]]], { exact: true });
        }
      }
      agree((t) => T.sum(t, [1]), [[rand([3, 1, 5], 9), [3, 1, 5]]]);
    });

    it('long reductions take several passes (more than 1024 elements per output)', () => {
      agree((t) => T.sum(t), [[rand([3000], 10), [3000]]]);
      agree((t) => T.max(t), [[rand([5000], 11), [5000]]], { exact: true });
      agree((t) => T.sum(t, 1), [[rand([2, 2500, 3], 12), [2, 2500, 3]]]);
      agree((t) => T.mean(t, 0), [[rand([1500000], 13), [1500000]]]);
    });

    it('max propagates NaN like the CPU', () => {
      agree((t) => T.max(t, 1), [[new Float32Array([1, NaN, 3, 4, 5, 6]), [2, 3]]]);
    });

    it('softmax and logSoftmax along any axis, long rows included', () => {
      const x = rand([2, 3, 5], 14, -5, 5);
      for (const axis of [0, 1, 2, -1]) {
        agree((t) => T.softmax(t, axis), [[x, [2, 3, 5]]]);
        agree((t) => T.logSoftmax(t, axis), [[x, [2, 3, 5]]]);
      }
      agree((t) => T.logSoftmax(t, 1), [[rand([2, 5000], 15, -3, 3), [2, 5000]]]); // loop split in chunks
      agree((t) => T.softmax(t), [[new Float32Array([1000, 0, -1000, 50]), [1, 4]]]);
    });

    it('shape kernels: transpose, broadcastTo, slice, pad, concat, reshape, cast', () => {
      const x = rand([2, 3, 4], 16);
      for (const perm of [[0, 2, 1], [2, 0, 1], [1, 0, 2], [2, 1, 0]]) agree((t) => T.permute(t, perm), [[x, [2, 3, 4]]], { exact: true });
      agree((t) => T.broadcastTo(t, [2, 3, 4]), [[rand([3, 1], 17), [3, 1]]], { exact: true });
      agree((t) => T.slice(t, [1, 0, 2], [1, 2, 2]), [[x, [2, 3, 4]]], { exact: true });
      agree((t) => T.pad(t, [1, 0, 2], [4, 3, 7]), [[x, [2, 3, 4]]], { exact: true });
      agree((a, b, c) => T.concat([a, b, c], 1), [[x, [2, 3, 4]], [rand([2, 1, 4], 18), [2, 1, 4]], [rand([2, 2, 4], 19), [2, 2, 4]]], { exact: true });
      agree((a, b) => T.concat([a, b], 0), [[x, [2, 3, 4]], [x, [2, 3, 4]]], { exact: true });
      agree((t) => T.reshape(T.exp(t), [6, 4]), [[x, [2, 3, 4]]]);
      const d = T.cast(tensor(x, { shape: [2, 3, 4] }), 'float64');
      expect(d.dtype).to.equal('float64');
      expect(Array.from(T.cast(d, 'float32').data())).to.deep.equal(Array.from(x));
    });

    it('float64 tensors are computed by the CPU kernels on the host, exactly', () => {
      const a = T.randn([5, 7], new Rng(1), { dtype: 'float64' }), b = T.randn([7, 3], new Rng(2), { dtype: 'float64' });
      const got = T.softmax(T.matmul(a, b));
      expect(got.dtype).to.equal('float64');
      expect(got.handle.backend).to.equal(getBackend().name);
      const want = on('cpu', () => T.softmax(T.matmul(tensor(a.data(), { shape: [5, 7] }), tensor(b.data(), { shape: [7, 3] }))));
      expect(Array.from(got.data())).to.deep.equal(Array.from(want.data()));
    });

    it('empty tensors fall back to the CPU kernels', () => {
      expect(T.sum(T.zeros([0, 3]), 0).toArray()).to.deep.equal([0, 0, 0]);
      expect(T.add(T.zeros([0, 3]), tensor([1, 2, 3])).shape).to.deep.equal([0, 3]);
      expect(T.matmul(T.zeros([2, 0]), T.zeros([0, 3])).toArray()).to.deep.equal([[0, 0, 0], [0, 0, 0]]);
    });

    it('kernels with no gpu version run on the CPU and their results come back', () => {
      const x = tensor(rand([4, 3], 20), { shape: [4, 3] });
      const g = T.gatherRows(T.exp(x), [3, 0, 0]);
      const y = T.add(g, 1);
      expect(y.handle.backend).to.equal(getBackend().name);
      const want = on('cpu', () => T.add(T.gatherRows(T.exp(tensor(x.data(), { shape: [4, 3] })), [3, 0, 0]), 1));
      const d = y.data(), w = want.data();
      for (let i = 0; i < w.length; i++) expect(Math.abs(d[i]! - w[i]!)).to.be.below(1e-4 * Math.abs(w[i]!) + 1e-6);
      for (const k of ['GatherRows', 'ScatterAddRows', 'OneHot']) expect(listKernels(getBackend().name)).not.to.include(k);
    });

    it('gradients of a small network agree with the CPU backend', () => {
      const xs: [Float32Array, number[]][] = [[rand([8, 5], 21), [8, 5]], [rand([5, 6], 22, -0.5, 0.5), [5, 6]], [rand([6], 23), [6]], [rand([6, 3], 24, -0.5, 0.5), [6, 3]]];
      const loss = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor) => {
        const h = T.tanh(T.add(T.matmul(x, w1), b1));
        const z = T.matmul(T.sigmoid(h), w2);
        return T.add(T.crossEntropy(z, [0, 1, 2, 0, 1, 2, 0, 1]), T.mean(T.pow(T.softplus(z), 2)));
      };
      const run = () => {
        const ts = xs.map(([v, s]) => tensor(v.slice(), { shape: s }));
        const { value, grads } = valueAndGrads(loss)(...ts);
        return [value.data(), ...grads.map((g) => g.data())];
      };
      const got = run();
      const want = on('cpu', run);
      got.forEach((g, k) => {
        const w = want[k]!;
        const scale = Math.max(...Array.from(w).map(Math.abs));
        for (let i = 0; i < w.length; i++) {
          expect(Math.abs(g[i]! - w[i]!), `output ${k} element ${i}: ${g[i]} vs ${w[i]}`).to.be.at.most(RTOL * Math.abs(w[i]!) + RTOL * 0.1 * scale);
        }
      });
    });
  }

  it('matmul in every transposition, odd sizes, batched', () => {
    const sizes: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [13, 300, 9], [33, 17, 65], [64, 64, 64], [2, 3, 1]];
    sizes.forEach(([m, k, n], s) => {
      const a = rand([m, k], 40 + s), b = rand([k, n], 50 + s);
      const aT = rand([k, m], 60 + s), bT = rand([n, k], 70 + s);
      agree((x, y) => T.matmul(x, y), [[a, [m, k]], [b, [k, n]]]);
      agree((x, y) => T.matmul(x, y, { transposeA: true }), [[aT, [k, m]], [b, [k, n]]]);
      agree((x, y) => T.matmul(x, y, { transposeB: true }), [[a, [m, k]], [bT, [n, k]]]);
      agree((x, y) => T.matmul(x, y, { transposeA: true, transposeB: true }), [[aT, [k, m]], [bT, [n, k]]]);
    });
    const A = rand([3, 5, 7], 80), B = rand([3, 7, 4], 81), B2 = rand([7, 4], 82), A2 = rand([5, 7], 83);
    agree((x, y) => T.matmul(x, y), [[A, [3, 5, 7]], [B, [3, 7, 4]]]);
    agree((x, y) => T.matmul(x, y), [[A, [3, 5, 7]], [B2, [7, 4]]]);
    agree((x, y) => T.matmul(x, y), [[A2, [5, 7]], [B, [3, 7, 4]]]);
    agree((x, y) => T.matmul(x, y, { transposeA: true, transposeB: true }), [[rand([3, 7, 5], 84), [3, 7, 5]], [rand([3, 4, 7], 85), [3, 4, 7]]]);
  });

  it('matmul with a k loop longer than one chunk (k = 20001)', () => {
    agree((x, y) => T.matmul(x, y), [[rand([3, 20001], 90), [3, 20001]], [rand([20001, 2], 91), [20001, 2]]], { rtol: 2e-4 });
  });
}

describeEachGpuMode('gpu kernels vs cpu', () => {
  suite();

  it('keeps intermediate results on the device and reads back once (GL modes)', function () {
    const backend = findBackend(getBackend().name);
    if ((backend.info?.() as { mode?: string }).mode !== 'headlessgl') this.skip();
    const x = tensor(rand([16, 8], 1), { shape: [16, 8] }), w = tensor(rand([8, 4], 2), { shape: [8, 4] });
    const h = T.matmul(x, w);
    const y = T.softmax(T.relu(T.add(h, tensor([1, 2, 3, 4]))));
    for (const t of [h, y]) {
      const s = (t.handle as GpuHandle).storage;
      expect(s.texture, 'a texture').to.not.equal(null);
      expect(s.values, 'no host copy yet').to.equal(null);
    }
    y.data();
    expect((y.handle as GpuHandle).storage.values).to.be.instanceOf(Float32Array);
    expect((h.handle as GpuHandle).storage.values, 'h never read').to.equal(null);
  });
});

// The packed 2×2-block matmul is what GL modes run; also run it in the CPU-side modes, so that it is
// tested on every machine with gpu.js, with or without a GL context.
describeEachGpuMode('gpu packed matmul vs cpu', () => suite(true), { suffix: 'packed', matmul: 'packed' });
