import { expect } from 'chai';
import { ConfigError, Rng, tensor, ValueError, type Tensor } from '@descent/tensor';
import { LayerNorm, Linear, ReLU, Sequential } from '@descent/layers';
import {
  constraints, elasticNet, isWeight, l1, l2, maxNorm, namedParametersOf, regularizers, selectParameters, Trainer,
  type NamedParameter,
} from '@descent/optim';
import { gradcheck } from '../../../test/helpers/gradcheck.js';

const f64 = (values: number[] | number[][]) => tensor(values, { dtype: 'float64' });
const named = (...ts: Array<[string, Tensor]>): NamedParameter[] => ts.map(([name, t]) => ({ name, tensor: t }));

describe('regularizers: penalties', () => {
  const w = f64([[1, -2], [0.5, 3]]);
  const b = f64([4, -5]);
  const ps = named(['fc.weight', w], ['fc.bias', b]);

  it('l1 = λ·Σ|θ|, l2 = (λ/2)·Σθ², elasticNet = λ(ρΣ|θ| + (1−ρ)/2·Σθ²), on weights only by default', () => {
    // weights: Σ|w| = 6.5, Σw² = 14.25; the bias is not penalised
    expect(l1({ lambda: 0.1 }).penalty(ps)!.item()).to.be.closeTo(0.65, 1e-12);
    expect(l2({ lambda: 0.1 }).penalty(ps)!.item()).to.be.closeTo(0.7125, 1e-12);
    expect(elasticNet({ lambda: 0.1, l1Ratio: 0.25 }).penalty(ps)!.item()).to.be.closeTo(0.1 * (0.25 * 6.5 + 0.375 * 14.25), 1e-12);
    expect(elasticNet({ lambda: 0.1, l1Ratio: 1 }).penalty(ps)!.item()).to.be.closeTo(l1({ lambda: 0.1 }).penalty(ps)!.item(), 1e-15);
    expect(elasticNet({ lambda: 0.1, l1Ratio: 0 }).penalty(ps)!.item()).to.be.closeTo(l2({ lambda: 0.1 }).penalty(ps)!.item(), 1e-15);
  });

  it('returns null when no parameter is selected', () => {
    expect(l2().penalty(named(['fc.bias', b]))).to.equal(null);
  });

  it('their gradients come from autodiff: λθ for l2, λ·sign θ for l1', () => {
    const x = f64([[1, -2], [0.5, 3]]).requireGrad();
    l2({ lambda: 0.3, params: 'all' }).penalty(named(['x', x]))!.backward();
    expect(Array.from(x.grad!.data())).to.deep.equal([0.3, -0.6, 0.15, 0.3 * 3].map((v) => v));
    const y = f64([[1, -2], [0.5, 3]]).requireGrad();
    l1({ lambda: 0.3, params: 'all' }).penalty(named(['y', y]))!.backward();
    expect(Array.from(y.grad!.data())).to.deep.equal([0.3, -0.3, 0.3, 0.3]);
  });

  for (const [name, make] of [
    ['l1', () => l1({ lambda: 0.7, params: 'all' })],
    ['l2', () => l2({ lambda: 0.7, params: 'all' })],
    ['elasticNet', () => elasticNet({ lambda: 0.7, l1Ratio: 0.4, params: 'all' })],
  ] as const) {
    it(`${name} passes the finite-difference gradient check`, () => {
      const a = f64([[0.3, -1.2, 2.0], [-0.7, 0.9, 1.5]]);
      const c = f64([0.4, -0.25]);
      const r = make();
      const { maxError, where } = gradcheck((p, q) => r.penalty(named(['a', p!], ['c', q!]))!, [a, c]);
      expect(maxError, where).to.be.lessThan(1e-7);
    });
  }

  it('selects parameters by name: weights, all, RegExp, list, predicate', () => {
    const model = new Sequential(new Linear(3, 4, { rng: new Rng(0), dtype: 'float64' }), new LayerNorm(4, { dtype: 'float64' }), new ReLU(), new Linear(4, 2, { rng: new Rng(1), dtype: 'float64' }));
    const all = namedParametersOf(model);
    expect(all.map((p) => p.name)).to.deep.equal(['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
    expect(selectParameters(all).map((p) => p.name)).to.deep.equal(['0.weight', '3.weight']);
    expect(selectParameters(all, 'all')).to.have.length(6);
    expect(selectParameters(all, /^3\./).map((p) => p.name)).to.deep.equal(['3.weight', '3.bias']);
    expect(selectParameters(all, ['1.weight']).map((p) => p.name)).to.deep.equal(['1.weight']);
    expect(selectParameters(all, (n, t) => t.rank === 1 && n.endsWith('bias')).map((p) => p.name)).to.deep.equal(['0.bias', '1.bias', '3.bias']);
    expect(isWeight('norm.weight', f64([[1]]))).to.equal(false);
  });

  it('are registered, with validated options', () => {
    expect(regularizers.names()).to.include.members(['l1', 'l2', 'elasticNet']);
    expect(regularizers.create('l2', { lambda: 0.5, params: 'all' }).penalty(named(['w', f64([2])]))!.item()).to.equal(1);
    expect(() => regularizers.create('l2', { lambda: -1 })).to.throw(ValueError, /lambda/);
    expect(() => regularizers.create('l2', { weightDecay: 1 })).to.throw(ConfigError, /unknown option 'weightDecay'/);
    expect(() => regularizers.create('elasticNet', { l1Ratio: 2 })).to.throw(ValueError, /l1Ratio/);
    expect(() => regularizers.create('l1', { params: 42 })).to.throw(ConfigError, /'params'/);
  });

  it('an l2 penalty trains exactly like SGD weight decay', () => {
    const run = (viaPenalty: boolean) => {
      const model = new Sequential(new Linear(3, 5, { rng: new Rng(2), dtype: 'float64' }), new ReLU(), new Linear(5, 2, { rng: new Rng(3), dtype: 'float64' }));
      const rng = new Rng(9);
      const x = tensor(Float64Array.from({ length: 60 }, () => rng.normal()), { shape: [20, 3], dtype: 'float64' });
      const y = Array.from({ length: 20 }, (_, i) => i % 2);
      new Trainer({
        model, loss: 'crossEntropy', order: 'sequential', batchSize: 5, epochs: 3, seed: 0, progressBar: false,
        optimizer: { name: 'sgd', options: { lr: 0.1, ...(viaPenalty ? {} : { weightDecay: 0.05 }) } },
        regularizers: viaPenalty ? [{ name: 'l2', options: { lambda: 0.05, params: 'all' } }] : [],
      }).fit({ x, y });
      return model.parameters().flatMap((p) => Array.from(p.data()));
    };
    const a = run(true), b = run(false);
    a.forEach((v, i) => expect(v).to.be.closeTo(b[i]!, 1e-13));
  });
});

describe('constraints: maxNorm', () => {
  it('rescales the columns of a weight whose norm exceeds maxValue, and leaves the others bit for bit', () => {
    const w = f64([[3, 0.3], [4, 0.4]]); // column norms 5 and 0.5
    maxNorm({ maxValue: 2 }).apply(named(['fc.weight', w]));
    const [[a, b], [c, d]] = w.toArray() as number[][];
    expect(a).to.be.closeTo(1.2, 1e-15);
    expect(c).to.be.closeTo(1.6, 1e-15);
    expect([b, d]).to.deep.equal([0.3, 0.4]);
  });

  it('supports another axis, the whole tensor (axis null), and 1-D parameters with params: all', () => {
    const w = f64([[3, 4], [0.3, 0.4]]); // row norms 5 and 0.5
    maxNorm({ maxValue: 1, axis: 1 }).apply(named(['w', w]));
    const rows = w.toArray() as number[][];
    expect(rows[0]![0]).to.be.closeTo(0.6, 1e-15);
    expect(rows[1]).to.deep.equal([0.3, 0.4]);
    const v = f64([[3, 4]]);
    maxNorm({ maxValue: 1, axis: null }).apply(named(['v', v]));
    expect(Math.hypot(...(v.toArray() as number[][])[0]!)).to.be.closeTo(1, 1e-15);
    const b = f64([6, 8]);
    maxNorm({ maxValue: 5, params: 'all' }).apply(named(['bias', b]));
    expect(Array.from(b.data())).to.deep.equal([3, 4]);
    const untouched = f64([6, 8]);
    maxNorm({ maxValue: 5 }).apply(named(['bias', untouched])); // default: weights only
    expect(Array.from(untouched.data())).to.deep.equal([6, 8]);
  });

  it('is applied by the trainer after each update', () => {
    const model = new Sequential(new Linear(2, 8, { rng: new Rng(0), dtype: 'float64' }), new ReLU(), new Linear(8, 2, { rng: new Rng(1), dtype: 'float64' }));
    const x = tensor([[1, 2], [3, -1], [-2, 0.5], [0, 1]], { dtype: 'float64' });
    new Trainer({
      model, loss: 'crossEntropy', optimizer: { name: 'sgd', options: { lr: 5 } }, constraints: [{ name: 'maxNorm', options: { maxValue: 0.5 } }],
      batchSize: 2, epochs: 5, seed: 0, progressBar: false,
    }).fit({ x, y: [0, 1, 0, 1] });
    for (const p of selectParameters(namedParametersOf(model))) {
      const [rows, cols] = p.tensor.shape as [number, number];
      const a = p.tensor.data();
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += a[r * cols + c]! ** 2;
        expect(Math.sqrt(s)).to.be.at.most(0.5 + 1e-12);
      }
    }
  });

  it('is registered, with validated options', () => {
    expect(constraints.names()).to.include('maxNorm');
    expect(() => constraints.create('maxNorm', { maxValue: 0 })).to.throw(ValueError, /maxValue/);
    expect(() => constraints.create('maxNorm', { axis: -1 })).to.throw(ValueError, /axis/);
    expect(() => constraints.create('maxNorm', { max: 1 })).to.throw(ConfigError, /unknown option 'max'/);
    expect(() => maxNorm({ axis: 3 }).apply(named(['w', f64([[1]])]))).to.throw(ValueError, /axis 3 is out of range/);
  });
});
