import { expect } from 'chai';
import { Rng, ShapeError, ValueError, randn, tensor, type Tensor } from '@descent/tensor';
import { LayerNorm, mseLoss } from '@descent/layers';
import { expectClose, numericGrad } from './helpers.js';

describe('LayerNorm', () => {
  it('normalises each row with its own mean and biased variance', () => {
    const ln = new LayerNorm(3, { dtype: 'float64' });
    const y = ln.call(tensor(new Float64Array([1, 2, 3, 10, 10, 40]), { shape: [2, 3] }));
    // row 0: mean 2, var 2/3; row 1: mean 20, var 200
    const s0 = Math.sqrt(2 / 3 + 1e-5);
    const s1 = Math.sqrt(200 + 1e-5);
    expectClose(y.data(), [-1 / s0, 0, 1 / s0, -10 / s1, -10 / s1, 20 / s1], 1e-14);
  });

  it('normalises over several trailing axes and applies γ, β', () => {
    const ln = new LayerNorm([2, 2], { dtype: 'float64' });
    ln.weight!.assign([1, 2, 3, 4]);
    ln.bias!.assign([0, 0, 0, 1]);
    const y = ln.call(tensor(new Float64Array([0, 0, 2, 2]), { shape: [1, 2, 2] }));
    // mean 1, var 1 → [-1, -1, 1, 1]/√(1 + 1e-5) · γ + β
    const s = Math.sqrt(1 + 1e-5);
    expectClose(y.data(), [-1 / s, -2 / s, 3 / s, 4 / s + 1], 1e-14);
  });

  it('gradient wrt x matches finite differences; the same in train and eval', () => {
    const rng = new Rng(2);
    const x = randn([3, 4], rng, { dtype: 'float64' }).requireGrad();
    const target = randn([3, 4], rng, { dtype: 'float64' });
    const ln = new LayerNorm(4, { dtype: 'float64' });
    ln.weight!.assign([1, 2, -1, 0.5]);
    const f = (t: Tensor) => mseLoss(ln.call(t), target);
    f(x).backward();
    expectClose(x.grad!.data(), numericGrad(f, x), 1e-6);
    const train = ln.call(x.detach()).data();
    expect(Array.from(ln.eval().call(x.detach()).data())).to.deep.equal(Array.from(train));
  });

  it('elementwiseAffine: false has no parameters', () => {
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).to.have.length(0);
    expect(new LayerNorm(4, { bias: false }).namedParameters().map(([n]) => n)).to.deep.equal(['weight']);
  });

  it('rejects a mismatched input and a bad shape', () => {
    expect(() => new LayerNorm(3).call(tensor([[1, 2]]))).to.throw(ShapeError, 'LayerNorm([3]): input shape [1,2] must end with the normalized shape [3]');
    expect(() => new LayerNorm([])).to.throw(ValueError, /normalizedShape must be a positive integer or a non-empty array/);
    expect(() => new LayerNorm(0)).to.throw(ValueError);
  });
});
