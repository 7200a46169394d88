import { expect } from 'chai';
import { Rng, ValueError, zeros } from '@descent/tensor';
import { init } from '@descent/layers';

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(values);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('init', () => {
  it('zeros, ones, constant write in place and return the tensor', () => {
    const t = zeros([2, 2]);
    expect(init.constant(t, 0.5)).to.equal(t);
    expect(Array.from(t.data())).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
    init.ones(t);
    expect(Array.from(t.data())).to.deep.equal([1, 1, 1, 1]);
    init.zeros(t);
    expect(Array.from(t.data())).to.deep.equal([0, 0, 0, 0]);
  });

  it('uniform and normal have the requested range and moments, reproducibly', () => {
    const u = stats(init.uniform(zeros([100, 100]), new Rng(1), { low: -2, high: 4 }).data());
    expect(u.min).to.be.at.least(-2);
    expect(u.max).to.be.below(4);
    expect(u.mean).to.be.closeTo(1, 0.05);
    const n = stats(init.normal(zeros([100, 100], { dtype: 'float64' }), new Rng(1), { mean: 3, std: 0.5 }).data());
    expect(n.mean).to.be.closeTo(3, 0.02);
    expect(n.std).to.be.closeTo(0.5, 0.02);
    const a = init.normal(zeros([10]), new Rng(9)).data();
    const b = init.normal(zeros([10]), new Rng(9)).data();
    expect(Array.from(a)).to.deep.equal(Array.from(b));
  });

  it('computeFans follows the [in, out] layout', () => {
    expect(init.computeFans([3, 5])).to.deep.equal({ fanIn: 3, fanOut: 5 });
    expect(init.computeFans([3, 3, 16, 32])).to.deep.equal({ fanIn: 144, fanOut: 288 });
    expect(() => init.computeFans([4])).to.throw(ValueError, /at least 2 axes \(\[in, out\]\), but got shape \[4\]/);
  });

  it('calculateGain matches PyTorch', () => {
    expect(init.calculateGain('linear')).to.equal(1);
    expect(init.calculateGain('sigmoid')).to.equal(1);
    expect(init.calculateGain('tanh')).to.equal(5 / 3);
    expect(init.calculateGain('relu')).to.equal(Math.SQRT2);
    expect(init.calculateGain('selu')).to.equal(0.75);
    expect(init.calculateGain('leakyRelu')).to.be.closeTo(Math.sqrt(2 / (1 + 0.0001)), 1e-15);
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).to.be.closeTo(1 / Math.sqrt(3), 1e-15);
    expect(() => init.calculateGain('swish' as never)).to.throw(ValueError, /unknown nonlinearity 'swish'.*Known: linear, identity/);
  });

  it('xavier uniform/normal use √(6/(in+out)) and √(2/(in+out))', () => {
    const bound = Math.sqrt(6 / (200 + 300));
    const u = stats(init.xavierUniform(zeros([200, 300]), new Rng(2)).data());
    expect(u.max).to.be.at.most(bound);
    expect(u.min).to.be.at.least(-bound);
    expect(u.max).to.be.above(0.99 * bound);
    const n = stats(init.xavierNormal(zeros([200, 300], { dtype: 'float64' }), new Rng(2), { gain: 2 }).data());
    expect(n.std).to.be.closeTo(2 * Math.sqrt(2 / 500), 0.01 * 2 * Math.sqrt(2 / 500));
  });

  it('kaiming uniform/normal use gain/√fan, fanIn or fanOut', () => {
    const k = stats(init.kaimingUniform(zeros([256, 64]), new Rng(3)).data());
    const bound = Math.sqrt(2) * Math.sqrt(3 / 256); // leakyRelu with a = 0 → gain √2
    expect(k.max).to.be.at.most(bound);
    expect(k.max).to.be.above(0.99 * bound);
    const linearDefault = stats(init.kaimingUniform(zeros([256, 64]), new Rng(3), { a: Math.sqrt(5) }).data());
    expect(linearDefault.max).to.be.at.most(1 / 16);
    expect(linearDefault.max).to.be.above(0.99 / 16);
    const n = stats(init.kaimingNormal(zeros([100, 400], { dtype: 'float64' }), new Rng(3), { mode: 'fanOut', nonlinearity: 'relu' }).data());
    expect(n.std).to.be.closeTo(Math.sqrt(2 / 400), 0.01 * Math.sqrt(2 / 400));
    expect(() => init.kaimingNormal(zeros([2, 2]), new Rng(0), { mode: 'in' as never })).to.throw(ValueError, /mode must be 'fanIn' or 'fanOut', but got 'in'/);
  });

  it('requires a tensor and an Rng', () => {
    expect(() => init.uniform([1, 2] as never, new Rng(0))).to.throw(ValueError, /init\.uniform: argument 'tensor' must be a Tensor, but got \[1,2\]/);
    expect(() => init.normal(zeros([2]), undefined as never)).to.throw(ValueError, /init\.normal: argument 'rng' must be an Rng/);
    expect(() => init.uniform(zeros([2]), new Rng(0), { low: 1, high: 0 })).to.throw(ValueError, /low must be <= high, but got low=1, high=0/);
  });
});
