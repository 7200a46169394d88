// Batched matmul, embedding and masking: values on every backend, and float32 gradients against float64.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { Rng, tensor, type Tensor } from '@descent/tensor';
import { describeEachBackend, toleranceFor } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';

/** Reference product of row-major matrices, batch by batch, with NumPy broadcasting of the batch axes. */
function referenceMatmul(a: Tensor, b: Tensor): number[] {
  const A = a.data(), B = b.data();
  const [n, k] = a.shape.slice(-2) as [number, number];
  const m = b.shape[b.rank - 1]!;
  const leadA = a.shape.slice(0, -2), leadB = b.shape.slice(0, -2);
  const rank = Math.max(leadA.length, leadB.length);
  const pa = [...Array(rank - leadA.length).fill(1), ...leadA], pb = [...Array(rank - leadB.length).fill(1), ...leadB];
  const lead = pa.map((d, i) => Math.max(d, pb[i]!));
  const out: number[] = [];
  const total = lead.reduce((p, d) => p * d, 1);
  for (let z = 0; z < total; z++) {
    let rest = z, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rest % lead[d]!; rest = Math.floor(rest / lead[d]!);
      if (pa[d] !== 1) ia += c * sa;
      if (pb[d] !== 1) ib += c * sb;
      sa *= pa[d]!; sb *= pb[d]!;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += A[ia * n * k + i * k + q]! * B[ib * k * m + q * m + j]!;
      out.push(s);
    }
  }
  return out;
}

describeEachBackend('ops: batched matmul, embedding, masks', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`matmul broadcasts leading axes as torch.matmul (${dtype})`, () => {
      const rng = new Rng(7);
      const pairs: Array<[number[], number[]]> = [
        [[2, 3, 5, 4], [2, 3, 4, 6]], [[2, 1, 5, 4], [3, 4, 6]], [[4, 5, 4], [4, 6]], [[5, 4], [2, 2, 4, 3]], [[3, 1, 2, 4], [1, 2, 4, 3]],
      ];
      for (const [sa, sb] of pairs) {
        const a = T.randn(sa, rng, { dtype }), b = T.randn(sb, rng, { dtype });
        const c = T.matmul(a, b);
        expect(c.shape).to.deep.equal([...T.broadcastShapes(sa.slice(0, -2), sb.slice(0, -2), 'test'), sa[sa.length - 2], sb[sb.length - 1]]);
        expectClose(c, referenceMatmul(a, b), toleranceFor(dtype), 1e-5);
        // the transposed flags read the same product from transposed storage
        const at = T.transpose(a, [...sa.keys()].map((i) => (i === sa.length - 1 ? i - 1 : i === sa.length - 2 ? i + 1 : i)));
        const bt = T.transpose(b, [...sb.keys()].map((i) => (i === sb.length - 1 ? i - 1 : i === sb.length - 2 ? i + 1 : i)));
        expectClose(T.matmul(at, bt, { transposeA: true, transposeB: true }), c.data(), toleranceFor(dtype), 1e-5);
      }
    });
  }

  it('matmul of vectors drops the added axis', () => {
    const v = tensor([1, 2, 3], { dtype: 'float64' });
    const m = tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' });
    expect(T.matmul(v, v).toArray()).to.equal(14);
    expect(T.matmul(v, m).toArray()).to.deep.equal([4, 5]);
    expect(T.matmul(T.transpose(m), v).toArray()).to.deep.equal([4, 5]);
    expect(T.matmul(T.ones([2, 2, 3]), T.ones([3])).shape).to.deep.equal([2, 2]);
    expect(T.matmul(T.ones([0, 2, 3]), T.ones([3, 4])).shape).to.deep.equal([0, 2, 4]);
  });

  it('embedding gathers rows for indices of any shape; the padding row gets no gradient', () => {
    const w = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }).requireGrad();
    const e = T.embedding(w, [[2, 0], [1, 2]], { paddingIdx: -1 });
    expect(e.toArray()).to.deep.equal([[[5, 6], [1, 2]], [[3, 4], [5, 6]]]);
    e.mul(tensor([1, 10], { dtype: 'float64' })).sum().backward();
    // row 2 (paddingIdx −1) was looked up twice but receives nothing; rows 0 and 1 once each
    expect(w.grad!.toArray()).to.deep.equal([[1, 10], [1, 10], [0, 0]]);
    expect(T.embedding(w, tensor([1, 1], { dtype: 'float32' })).toArray()).to.deep.equal([[3, 4], [3, 4]]);
  });

  it('maskedFill and causalMask', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], { dtype: 'float64' });
    const hidden = T.causalMask(3, { dtype: 'float64', additive: false });
    expect(hidden.toArray()).to.deep.equal([[0, 1, 1], [0, 0, 1], [0, 0, 0]]);
    expect(T.maskedFill(x, hidden, -1).toArray()).to.deep.equal([[1, -1, -1], [4, 5, -1], [7, 8, 9]]);
    expect(T.causalMask(2).toArray()).to.deep.equal([[0, -Infinity], [0, 0]]);
    // additive and boolean forms give the same causal softmax
    const viaAdd = T.softmax(T.add(x, T.causalMask(3, { dtype: 'float64' })));
    const viaFill = T.softmax(T.maskedFill(x, hidden, -Infinity));
    expectClose(viaAdd, viaFill.data());
    expectClose(viaAdd.slice([0, 0], [1, 3]), [1, 0, 0]);
  });

  it('softmax of a fully masked row is NaN, as in PyTorch', () => {
    const s = T.softmax(T.maskedFill(tensor([[1, 2], [3, 4]], { dtype: 'float64' }), tensor([[1, 1], [0, 1]], { dtype: 'float64' }), -Infinity));
    const [first, second] = s.toArray() as number[][];
    expect(first!.every(Number.isNaN)).to.equal(true);
    expect(second).to.deep.equal([1, 0]);
  });
});

describe('gradients of batched matmul, embedding and maskedFill in float32 agree with float64', () => {
  const rng = new Rng(99);
  const cases: Array<[string, number[][], (...xs: Tensor[]) => Tensor]> = [
    ['batched matmul, broadcast', [[2, 1, 3, 4], [3, 4, 5]], (a, b) => T.matmul(a!, b!)],
    ['batched matmul, transposed', [[2, 4, 3], [2, 5, 4]], (a, b) => T.matmul(a!, b!, { transposeA: true, transposeB: true })],
    ['embedding with padding', [[5, 3]], (w) => T.embedding(w!, [[1, 4], [1, 0]], { paddingIdx: 4 })],
    ['masked softmax', [[2, 3, 3]], (x) => T.softmax(T.maskedFill(x!, T.causalMask(3, { additive: false }), -Infinity))],
  ];
  for (const [name, shapes, f] of cases) {
    it(name, () => {
      const inputs64 = shapes.map((s) => T.randn(s, rng, { dtype: 'float64' }));
      const weights = (y: Tensor) => T.uniform(y.shape, 0.5, 1.5, new Rng(3), { dtype: y.dtype });
      const grads = (dtype: 'float32' | 'float64') => {
        const xs = inputs64.map((x) => T.cast(x, dtype).detach().requireGrad());
        const y = f(...xs);
        T.sum(T.mul(y, weights(y))).backward();
        return xs.map((x) => x.grad!);
      };
      const g64 = grads('float64'), g32 = grads('float32');
      g32.forEach((g, i) => {
        expect(g.dtype).to.equal('float32');
        expectClose(g, g64[i]!.data(), 1e-4, 1e-5);
      });
    });
  }
});
