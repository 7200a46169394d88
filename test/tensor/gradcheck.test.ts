// Every registered gradient rule is checked against finite differences. A gradient registered
// without a case below fails this suite, so no rule ships unchecked.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { listGradients, Rng, type Tensor } from '@descent/tensor';
import { gradcheck } from '../helpers/gradcheck.js';

const rng = new Rng(1234);
const r = (shape: number[], lo = -1, hi = 1) => T.uniform(shape, lo, hi, rng, { dtype: 'float64' });
// A fixed random weighting makes the scalar output sensitive to every element differently.
const weigh = (y: Tensor) => T.sum(T.mul(y, T.uniform(y.shape, 0.5, 1.5, new Rng(y.size), { dtype: 'float64' })));

interface Case { inputs: () => Tensor[]; f: (...xs: Tensor[]) => Tensor; h?: number; tolerance?: number }

const cases: Record<string, Case[]> = {
  Add: [{ inputs: () => [r([2, 3]), r([3])], f: (a, b) => weigh(T.add(a!, b!)) }],
  Sub: [{ inputs: () => [r([2, 1]), r([2, 3])], f: (a, b) => weigh(T.sub(a!, b!)) }],
  Mul: [{ inputs: () => [r([2, 3]), r([2, 1])], f: (a, b) => weigh(T.mul(a!, b!)) }],
  Div: [{ inputs: () => [r([3, 2]), r([2], 1, 2)], f: (a, b) => weigh(T.div(a!, b!)) }],
  Pow: [{ inputs: () => [r([2, 3], 0.5, 2), r([3], -1, 2)], f: (a, b) => weigh(T.pow(a!, b!)) }],
  PowScalar: [{ inputs: () => [r([4], 0.5, 2)], f: (x) => weigh(T.pow(x!, 2.5)) }],
  Neg: [{ inputs: () => [r([3])], f: (x) => weigh(T.neg(x!)) }],
  Exp: [{ inputs: () => [r([3])], f: (x) => weigh(T.exp(x!)) }],
  Log: [{ inputs: () => [r([3], 0.5, 2)], f: (x) => weigh(T.log(x!)) }],
  Log1p: [{ inputs: () => [r([3], -0.5, 2)], f: (x) => weigh(T.log1p(x!)) }],
  Sqrt: [{ inputs: () => [r([3], 0.5, 2)], f: (x) => weigh(T.sqrt(x!)) }],
  Abs: [{ inputs: () => [T.tensor([-1.5, -0.3, 0.4, 2], { dtype: 'float64' })], f: (x) => weigh(T.abs(x!)) }],
  Relu: [{ inputs: () => [T.tensor([-1.5, -0.3, 0.4, 2], { dtype: 'float64' })], f: (x) => weigh(T.relu(x!)) }],
  Sigmoid: [{ inputs: () => [r([4], -4, 4)], f: (x) => weigh(T.sigmoid(x!)) }],
  Erf: [{ inputs: () => [r([5], -2, 2)], f: (x) => weigh(T.erf(x!)) }],
  Tanh: [{ inputs: () => [r([4], -2, 2)], f: (x) => weigh(T.tanh(x!)) }],
  Softplus: [{ inputs: () => [r([4], -5, 5)], f: (x) => weigh(T.softplus(x!)) }],
  Where: [{ inputs: () => [r([2, 3]), r([2, 3])], f: (a, b) => weigh(T.where(T.tensor([1, 0, 1], { dtype: 'float64' }), a!, b!)) },
    { inputs: () => [r([4]), r([4])], f: (a, b) => weigh(T.maximum(a!, b!).add(T.minimum(a!, b!).mul(2)).add(T.clamp(a!, -0.5, 0.5))) }],
  Sum: [{ inputs: () => [r([2, 3, 4])], f: (x) => weigh(T.sum(x!, [0, 2])) }, { inputs: () => [r([2, 3])], f: (x) => weigh(T.sum(x!, 1, { keepDims: true })) }],
  Max: [{ inputs: () => [r([3, 4])], f: (x) => weigh(T.max(x!, 1)) }, { inputs: () => [r([3, 4])], f: (x) => weigh(T.min(x!, 0)) }],
  MatMul: [
    { inputs: () => [r([3, 4]), r([4, 2])], f: (a, b) => weigh(T.matmul(a!, b!)) },
    { inputs: () => [r([4, 3]), r([2, 4])], f: (a, b) => weigh(T.matmul(a!, b!, { transposeA: true, transposeB: true })) },
    { inputs: () => [r([4, 3]), r([4, 2])], f: (a, b) => weigh(T.matmul(a!, b!, { transposeA: true })) },
    { inputs: () => [r([3, 4]), r([2, 4])], f: (a, b) => weigh(T.matmul(a!, b!, { transposeB: true })) },
    { inputs: () => [r([2, 3, 4]), r([4, 5])], f: (a, b) => weigh(T.matmul(a!, b!)) },
    { inputs: () => [r([2, 3, 4]), r([2, 4, 5])], f: (a, b) => weigh(T.matmul(a!, b!)) },
    // torch.matmul broadcasting: leading axes broadcast both ways, transposed batches, vectors
    { inputs: () => [r([2, 1, 3, 4]), r([3, 4, 2])], f: (a, b) => weigh(T.matmul(a!, b!)) },
    { inputs: () => [r([2, 2, 4, 3]), r([2, 1, 2, 4])], f: (a, b) => weigh(T.matmul(a!, b!, { transposeA: true, transposeB: true })) },
    { inputs: () => [r([4]), r([2, 4, 3])], f: (a, b) => weigh(T.matmul(a!, b!)) },
  ],
  Reshape: [{ inputs: () => [r([2, 3])], f: (x) => weigh(T.reshape(x!, [3, 2])) }],
  Transpose: [{ inputs: () => [r([2, 3, 4])], f: (x) => weigh(T.transpose(x!, [2, 0, 1])) }],
  BroadcastTo: [{ inputs: () => [r([3, 1])], f: (x) => weigh(T.broadcastTo(x!, [2, 3, 4])) }],
  Slice: [{ inputs: () => [r([4, 5])], f: (x) => weigh(T.slice(x!, [1, 2], [2, -1])) }],
  Pad: [{ inputs: () => [r([2, 2])], f: (x) => weigh(T.pad(x!, [1, 0], [4, 3])) }],
  Concat: [{ inputs: () => [r([2, 3]), r([2, 1])], f: (a, b) => weigh(T.concat([a!, b!], 1)) }, { inputs: () => [r([3]), r([3])], f: (a, b) => weigh(T.stack([a!, b!], 1)) }],
  GatherRows: [{ inputs: () => [r([4, 2])], f: (x) => weigh(T.gatherRows(x!, [3, 0, 3])) }],
  Embedding: [
    { inputs: () => [r([5, 3])], f: (w) => weigh(T.embedding(w!, [[4, 0], [4, 2]])) },
    // The padding row gets no gradient, so the check zeroes its lookups to make that the true derivative.
    { inputs: () => [r([4, 2])], f: (w) => weigh(T.embedding(w!, [1, 0, 3, 1], { paddingIdx: 1 }).mul(T.tensor([[0], [1], [1], [0]], { dtype: 'float64' }))) },
  ],
  ScatterAddRows: [{ inputs: () => [r([3, 2])], f: (x) => weigh(T.scatterAddRows(x!, [1, 1, 0], 4)) }],
  Softmax: [{ inputs: () => [r([2, 4], -2, 2)], f: (x) => weigh(T.softmax(x!)) }, { inputs: () => [r([3, 2], -2, 2)], f: (x) => weigh(T.softmax(x!, 0)) }],
  LogSoftmax: [{ inputs: () => [r([3, 4], -2, 2)], f: (x) => weigh(T.logSoftmax(x!)) }, { inputs: () => [r([3, 4], -2, 2)], f: (x) => T.crossEntropy(x!, [0, 3, 1], { labelSmoothing: 0.1 }) }],
  Conv2D: [
    { inputs: () => [r([2, 4, 5, 4]), r([6, 2, 3, 2]), r([6])], f: (x, w, b) => weigh(T.conv2d(x!, w!, { bias: b!, stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 })) },
    { inputs: () => [r([1, 2, 4, 5]), r([3, 2, 2, 3])], f: (x, w) => weigh(T.conv2d(x!, w!, { padding: 'same' })) },
    { inputs: () => [r([2, 3, 3, 3]), r([2, 3, 1, 1])], f: (x, w) => weigh(T.conv2d(x!, w!)) },
  ],
  // distinct values, so no window has a tie that a finite step could flip
  MaxPool2D: [
    { inputs: () => [T.tensor(Array.from({ length: 2 * 2 * 5 * 4 }, (_, i) => Math.sin(i * 2.1) + i * 1e-3), { shape: [2, 2, 5, 4], dtype: 'float64' })], f: (x) => weigh(T.maxPool2d(x!, 3, { stride: 2, padding: 1 })) },
    { inputs: () => [T.tensor(Array.from({ length: 36 }, (_, i) => Math.cos(i * 1.7) + i * 1e-3), { shape: [1, 1, 6, 6], dtype: 'float64' })], f: (x) => weigh(T.maxPool2d(x!, [2, 3], { stride: [1, 2] })) },
  ],
  AvgPool2D: [
    { inputs: () => [r([2, 2, 5, 4])], f: (x) => weigh(T.avgPool2d(x!, 3, { stride: 2, padding: 1 })) },
    { inputs: () => [r([1, 2, 5, 4])], f: (x) => weigh(T.avgPool2d(x!, [3, 2], { stride: [2, 1], padding: [1, 1], countIncludePad: false })) },
  ],
  AdaptiveAvgPool2D: [
    { inputs: () => [r([2, 2, 5, 7])], f: (x) => weigh(T.adaptiveAvgPool2d(x!, [3, 4])) },
    { inputs: () => [r([2, 3, 3, 3])], f: (x) => weigh(T.adaptiveAvgPool2d(x!, 1)) },
  ],
  BatchNorm: [
    { inputs: () => [r([3, 2, 2, 3]), r([2], 0.5, 1.5), r([2])], f: (x, w, b) => weigh(T.batchNorm(x!, { weight: w!, bias: b! })) },
    { inputs: () => [r([4, 3])], f: (x) => weigh(T.batchNorm(x!, { eps: 0.1 })) },
    { inputs: () => [r([2, 2, 5]), r([2], 0.5, 1.5)], f: (x, w) => weigh(T.batchNorm(x!, { weight: w! })) },
    // given (running) statistics, as in eval mode: differentiable in all five inputs
    { inputs: () => [r([2, 3, 2]), r([3], 0.5, 1.5), r([3]), r([3]), r([3], 0.5, 2)], f: (x, w, b, m, v) => weigh(T.batchNorm(x!, { weight: w!, bias: b!, mean: m!, variance: v! })) },
  ],
  // Through float32 and back: linear, so a wide step is exact up to float32 rounding.
  Cast: [{ inputs: () => [r([3])], f: (x) => weigh(T.cast(T.cast(x!, 'float32'), 'float64')), h: 1e-2, tolerance: 1e-4 }],
};

describe('gradient check: every registered gradient against finite differences (float64)', () => {
  for (const kernel of listGradients()) {
    it(kernel, () => {
      const list = cases[kernel];
      expect(list, `no gradient-check case for kernel '${kernel}': add one to test/tensor/gradcheck.test.ts`).to.be.an('array').that.is.not.empty;
      for (const c of list!) {
        const { maxError, where } = gradcheck(c.f, c.inputs(), c.h);
        expect(maxError, where).to.be.below(c.tolerance ?? 1e-6);
      }
    });
  }

  it('has no case for a kernel without a registered gradient', () => {
    const registered = new Set(listGradients());
    expect(Object.keys(cases).filter((k) => !registered.has(k))).to.deep.equal([]);
  });
});
