import { expect } from 'chai';
import { ConfigError, DTypeError, Rng, ShapeError, ValueError, matmul, tensor, zeros } from '@descent/tensor';
import { Linear } from '@descent/layers';
import { expectClose } from './helpers.js';

describe('Linear', () => {
  it('stores the weight as [in, out] and computes x·W + b', () => {
    const fc = new Linear(3, 2, { rng: new Rng(0) });
    expect(fc.weight.shape).to.deep.equal([3, 2]);
    expect(fc.bias!.shape).to.deep.equal([2]);
    fc.weight.assign([1, 2, 3, 4, 5, 6]);
    fc.bias!.assign([0.5, -0.5]);
    // [1, 1, 1]·W = [1+3+5, 2+4+6] = [9, 12]; + b
    expect(fc.call(tensor([[1, 1, 1]])).toArray()).to.deep.equal([[9.5, 11.5]]);
  });

  it('initialises as PyTorch: weights and bias in ±1/√in, spread over the whole range', () => {
    const fc = new Linear(64, 200, { rng: new Rng(1) });
    const bound = 1 / Math.sqrt(64);
    const w = Array.from(fc.weight.data());
    const b = Array.from(fc.bias!.data());
    for (const v of [...w, ...b]) expect(Math.abs(v)).to.be.at.most(bound);
    expect(Math.max(...w)).to.be.above(0.98 * bound);
    expect(Math.min(...w)).to.be.below(-0.98 * bound);
    // U(−b, b) has variance b²/3
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).to.be.closeTo(bound * bound / 3, 0.05 * bound * bound / 3);
    expect(Math.max(...b.map(Math.abs))).to.be.above(0.8 * bound);
  });

  it('is reproducible under a seed and differs across seeds', () => {
    const a = new Linear(4, 3, { rng: new Rng(5) });
    const b = new Linear(4, 3, { rng: new Rng(5) });
    const c = new Linear(4, 3, { rng: new Rng(6) });
    expect(Array.from(a.weight.data())).to.deep.equal(Array.from(b.weight.data()));
    expect(Array.from(a.weight.data())).to.not.deep.equal(Array.from(c.weight.data()));
  });

  it('bias: false has no bias parameter', () => {
    const fc = new Linear(2, 3, { rng: new Rng(0), bias: false });
    expect(fc.bias).to.equal(null);
    expect(fc.namedParameters().map(([n]) => n)).to.deep.equal(['weight']);
    expectClose(fc.call(tensor([[1, 0]])).data(), fc.weight.data().slice(0, 3));
  });

  it('accepts float64 and inputs of rank 1 and 3', () => {
    const fc = new Linear(2, 3, { rng: new Rng(0), dtype: 'float64' });
    expect(fc.weight.dtype).to.equal('float64');
    const x = tensor(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), { shape: [2, 3, 2] });
    const y = fc.call(x);
    expect(y.shape).to.deep.equal([2, 3, 3]);
    const flat = matmul(x.reshape([6, 2]), fc.weight).add(fc.bias!);
    expectClose(y.data(), flat.data(), 1e-12);
    expect(fc.call(tensor(new Float64Array([1, 2]))).shape).to.deep.equal([3]);
  });

  it('gradients reach weight and bias', () => {
    const fc = new Linear(2, 1, { rng: new Rng(0) });
    fc.call(tensor([[1, 2], [3, 4]])).sum().backward();
    expect(Array.from(fc.weight.grad!.data())).to.deep.equal([4, 6]);
    expect(Array.from(fc.bias!.grad!.data())).to.deep.equal([2]);
  });

  it('rejects an input with the wrong number of features, naming the layer and both sizes', () => {
    const fc = new Linear(4, 3, { rng: new Rng(0) });
    expect(() => fc.call(zeros([2, 5]))).to.throw(ShapeError, 'Linear(4→3): input has 5 features in shape [2,5], expected 4');
    expect(() => fc.call(zeros([2, 4], { dtype: 'float64' }))).to.throw(DTypeError, /Linear\(4→3\): input is float64 .* but the layer is float32/);
  });

  it('rejects bad construction arguments', () => {
    expect(() => new Linear(0, 3, { rng: new Rng(0) })).to.throw(ValueError, /inFeatures must be a positive integer, but got 0/);
    expect(() => new Linear(2, 2.5, { rng: new Rng(0) })).to.throw(ValueError, /outFeatures must be a positive integer, but got 2.5/);
    expect(() => new Linear(2, 3, {} as never)).to.throw(ValueError, /options\.rng must be an Rng, e\.g\. \{ rng: new Rng\(0\) \}, but got undefined/);
    expect(() => new Linear(2, 3, { rng: new Rng(0), bais: false } as never)).to.throw(ConfigError, /unknown option 'bais' \(did you mean 'bias'\?\)/);
  });
});
