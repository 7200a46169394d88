// Edge cases found in review: NaN propagation, PyTorch's gradient conventions at singular points,
// empty batches/axes, scalars, gradient aliasing, and the two CPU matmul kernels agreeing bit for bit.
import { expect } from 'chai';
import * as T from '@descent/tensor';
import { cpuBackend, DTypeError, GradientError, Rng, ShapeError, tensor, type Tensor } from '@descent/tensor';

describe('review edge cases', () => {
  it('maximum, minimum and clamp propagate NaN from either operand (torch.maximum)', () => {
    expect(T.maximum(tensor([NaN, 1, 2]), tensor([3, NaN, 2])).toArray()).to.deep.equal([NaN, NaN, 2]);
    expect(T.minimum(tensor([NaN, 1, 2]), tensor([3, NaN, 2])).toArray()).to.deep.equal([NaN, NaN, 2]);
    expect(T.clamp(tensor([NaN, -5, 5]), -1, 1).toArray()).to.deep.equal([NaN, -1, 1]);
    // ties still send the whole gradient to a
    const [ga, gb] = T.grads((a, b) => T.maximum(a, b).sum())(tensor([1, 2]), tensor([1, 3]));
    expect(ga!.toArray()).to.deep.equal([1, 0]);
    expect(gb!.toArray()).to.deep.equal([0, 1]);
    expect(() => T.clamp(tensor([1]), '0' as never)).to.throw(/clamp: min must be a number/);
  });

  it('pow gradients follow PyTorch at exponent 0 and base 0', () => {
    const x = tensor([0, 2], { dtype: 'float64' });
    expect(T.grad((v) => T.pow(v, 0).sum())(x).toArray()).to.deep.equal([0, 0]);
    const [ga, gb] = T.grads((a, b) => T.pow(a, b).sum())(tensor([0, 0, 2], { dtype: 'float64' }), tensor([0, 2, 0], { dtype: 'float64' }));
    expect(ga!.toArray()).to.deep.equal([0, 0, 0]);
    expect(gb!.toArray()).to.deep.equal([0, 0, Math.log(2)]);
    // base 0 with a negative exponent: result·log(a) = −inf, as torch
    const [, gneg] = T.grads((a, b) => T.pow(a, b).sum())(tensor([0], { dtype: 'float64' }), tensor([-1], { dtype: 'float64' }));
    expect(gneg!.item()).to.equal(-Infinity);
  });

  it('matmul keeps an empty batch axis', () => {
    expect(T.matmul(T.zeros([0, 2, 3]), T.zeros([3, 4])).shape).to.deep.equal([0, 2, 4]);
    expect(T.matmul(T.zeros([2, 3]), T.zeros([0, 3, 4])).shape).to.deep.equal([0, 2, 4]);
    expect(T.matmul(T.zeros([0, 3, 2]), T.zeros([0, 3, 4]), { transposeA: true }).shape).to.deep.equal([0, 2, 4]);
  });

  it('flatten keeps the trailing size when the leading axis is empty', () => {
    expect(T.flatten(T.zeros([0, 3, 4])).shape).to.deep.equal([0, 12]);
  });

  it('concat rejects scalars and mixed dtypes with named errors', () => {
    expect(() => T.concat([T.scalar(1), T.scalar(2)])).to.throw(ShapeError, /concat: tensors\[0\] is a scalar/);
    expect(() => T.concat([T.zeros([1]), T.zeros([1], { dtype: 'float64' })])).to.throw(DTypeError, /concat: tensors\[1\] is float64/);
  });

  it('max and min over an empty axis are errors, not ±Infinity', () => {
    expect(() => T.max(T.zeros([0]))).to.throw(ShapeError, /max: cannot reduce over axis 0 of size 0/);
    expect(() => T.min(T.zeros([2, 0]), 1)).to.throw(ShapeError, /min: cannot reduce over axis 1 of size 0/);
    expect(T.max(T.zeros([0, 3]), 1).shape).to.deep.equal([0]);
  });

  it('slice, pad and axis arguments give named errors instead of TypeErrors', () => {
    expect(() => T.slice(T.zeros([3]), [0], 2 as never)).to.throw(ShapeError, /slice: size must be an array/);
    expect(() => T.pad(T.zeros([3]), 1 as never, [4])).to.throw(ShapeError, /pad: before must be an array/);
    expect(() => T.softmax(T.scalar(1))).to.throw(/softmax: the tensor is a scalar \(rank 0\) and has no axis -1/);
  });

  it('each leaf gets its own .grad storage (no aliasing between leaves or with the seed)', () => {
    const a = tensor([1, 2]).requireGrad(), b = tensor([3, 4]).requireGrad();
    a.add(b).sum().backward();
    expect(a.grad).to.not.equal(b.grad);
    a.grad!.assign([7, 7]);
    expect(b.grad!.toArray()).to.deep.equal([1, 1]);
    const w = tensor([1, 2, 3, 4]).requireGrad();
    const seed = tensor([[1, 2], [3, 4]]);
    w.reshape([2, 2]).backward({ seed });
    w.grad!.assign([0, 0, 0, 0]);
    expect(seed.toArray()).to.deep.equal([[1, 2], [3, 4]]);
  });

  it('a kernel without a gradient rule names the kernel and the fix', () => {
    T.registerKernel({ kernelName: 'ReviewNoGrad', backendName: 'cpu', kernelFunc: ({ inputs }) => inputs.x! });
    const y = T.runKernel('ReviewNoGrad', { x: tensor([1]).requireGrad() });
    expect(() => y.sum().backward()).to.throw(GradientError, /backward: gradient function not found for ReviewNoGrad; .*registerGradient/);
  });

  it('the wasm SIMD and pure-TS matmul kernels agree on odd, transposed and batched products (float64 bit for bit)', () => {
    const rng = new Rng(11);
    const run = (kernel: 'js' | 'wasm', f: () => Tensor) => {
      const previous = cpuBackend.setMatmulKernel(kernel);
      try { return Array.from(f().data()); } finally { cpuBackend.setMatmulKernel(previous); }
    };
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 257, 5], [6, 300, 9], [33, 17, 130]] as const) {
        for (const tA of [false, true]) for (const tB of [false, true]) {
          const a = T.randn(tA ? [2, k, m] : [2, m, k], rng, { dtype });
          const b = T.randn(tB ? [n, k] : [k, n], rng, { dtype });
          const f = () => T.matmul(a, b, { transposeA: tA, transposeB: tB });
          const wasm = run('wasm', f), js = run('js', f);
          if (dtype === 'float64') expect(wasm, `${dtype} ${m}x${k}x${n} tA=${tA} tB=${tB}`).to.deep.equal(js);
          else wasm.forEach((x, i) => expect(Math.abs(x - js[i]!), `${m}x${k}x${n} tA=${tA} tB=${tB} at ${i}`).to.be.at.most(2 ** -22 * k * (1 + Math.abs(js[i]!))));
        }
      }
    }
  });
});
