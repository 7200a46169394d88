import { expect } from 'chai';
import { ConfigError, Rng, tensor, ValueError, zeros, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import {
  clipGradNorm, clipGradValue, gradientNoise, gradientTransforms, globalNorm, noiseVariance, Trainer,
  type GradientContext, type GradientTransform,
} from '@descent/optim';

const f64 = (values: number[] | number[][]) => tensor(values, { dtype: 'float64' });
const ctxAt = (step: number, params: Tensor[] = []): GradientContext => ({ step, epoch: 0, params, names: params.map((_, i) => `p${i}`) });

describe('gradients: clipGradNorm (PyTorch clip_grad_norm_)', () => {
  it('scales every gradient by maxNorm / (total + 1e-6) when the total norm is above maxNorm', () => {
    const clip = clipGradNorm({ maxNorm: 1 });
    const out = clip.apply([f64([[3, 4]]), f64([12])]);
    expect(clip.lastNorm).to.equal(13);
    const coef = 1 / (13 + 1e-6);
    expect(Array.from(out[0]!.data())).to.deep.equal([3 * coef, 4 * coef]);
    expect(Array.from(out[1]!.data())).to.deep.equal([12 * coef]);
    expect(globalNorm(out)).to.be.closeTo(1, 1e-6);
  });

  it('leaves gradients below the threshold unchanged, and does not modify its inputs', () => {
    const g = f64([0.3, -0.4]);
    const out = clipGradNorm({ maxNorm: 1 }).apply([g]);
    expect(Array.from(out[0]!.data())).to.deep.equal([0.3, -0.4]);
    clipGradNorm({ maxNorm: 0.1 }).apply([g]);
    expect(Array.from(g.data())).to.deep.equal([0.3, -0.4]);
  });

  it('supports normType Infinity and p-norms, and passes NaN through (the NaN guard reports it)', () => {
    const inf = clipGradNorm({ maxNorm: 2, normType: Infinity });
    const out = inf.apply([f64([1, -8]), f64([4])]);
    expect(inf.lastNorm).to.equal(8);
    expect(out[0]!.data()[1]).to.be.closeTo(-2, 1e-6);
    const p1 = clipGradNorm({ maxNorm: 100, normType: 1 });
    p1.apply([f64([1, -8]), f64([4])]);
    expect(p1.lastNorm).to.equal(13);
    const nan = clipGradNorm({ maxNorm: 1 }).apply([f64([NaN, 5])]);
    expect(Number.isNaN(nan[0]!.data()[0])).to.equal(true);
    expect(nan[0]!.data()[1]).to.equal(5);
  });

  it('validates its options', () => {
    expect(() => gradientTransforms.create('clipGradNorm', {})).to.throw(ValueError, /maxNorm' is required/);
    expect(() => gradientTransforms.create('clipGradNorm', { maxNorm: -1 })).to.throw(ValueError, /maxNorm/);
    expect(() => gradientTransforms.create('clipGradNorm', { maxNorm: 1, normType: 0.5 })).to.throw(ValueError, /normType/);
    expect(() => gradientTransforms.create('clipGradNorm', { max_norm: 1 })).to.throw(ConfigError, /unknown option 'max_norm'/);
  });
});

describe('gradients: clipGradValue', () => {
  it('clamps every value to [−clipValue, clipValue]', () => {
    const out = clipGradValue({ clipValue: 1 }).apply([f64([-3, 0.5, 2])], ctxAt(0));
    expect(Array.from(out[0]!.data())).to.deep.equal([-1, 0.5, 1]);
    expect(() => gradientTransforms.create('clipGradValue', {})).to.throw(ValueError, /clipValue' is required/);
  });
});

describe('gradients: gradientNoise (Neelakantan et al. 2015)', () => {
  it('σ²_t = η / (1 + t)^γ with γ = 0.55 by default', () => {
    expect(noiseVariance(0, 0.3, 0.55)).to.equal(0.3);
    expect(noiseVariance(99, 1, 0.5)).to.be.closeTo(0.1, 1e-15);
    const noise = gradientNoise({ eta: 0.3 });
    expect(noise.options.gamma).to.equal(0.55);
    expect(noise.std(10)).to.be.closeTo(Math.sqrt(0.3 / 11 ** 0.55), 1e-15);
  });

  it('has the right variance schedule (statistical test, fixed seed)', () => {
    // N = 40 000 draws per step: the sample variance has a relative standard error of √(2/N) ≈ 0.7 %.
    const N = 40_000;
    const noise = gradientNoise({ eta: 1, gamma: 0.55, seed: 123 });
    const g = zeros([N], { dtype: 'float64' });
    const variances: number[] = [];
    for (const t of [0, 9, 99, 999, 9999]) {
      const v = noise.apply([g], ctxAt(t, [g]))[0]!.data();
      let mean = 0;
      for (const x of v) mean += x;
      mean /= N;
      let s2 = 0;
      for (const x of v) s2 += (x - mean) ** 2;
      s2 /= N - 1;
      const expected = noiseVariance(t, 1, 0.55);
      const se = expected * Math.sqrt(2 / (N - 1));
      expect(Math.abs(s2 - expected), `t=${t}: variance ${s2} vs ${expected}`).to.be.lessThan(4 * se);
      expect(Math.abs(mean), `t=${t}: mean`).to.be.lessThan(4 * Math.sqrt(expected / N));
      variances.push(s2);
    }
    // the decay exponent, estimated from t = 0 and t = 9999, is γ
    const gammaHat = Math.log(variances[0]! / variances[4]!) / Math.log(10_000);
    expect(gammaHat).to.be.closeTo(0.55, 0.01);
  });

  it('is reproducible under a seed, and adds independent noise to each value', () => {
    const g = zeros([5], { dtype: 'float64' });
    const a = gradientNoise({ eta: 1, seed: 7 }).apply([g], ctxAt(0))[0]!.data();
    const b = gradientNoise({ eta: 1, seed: 7 }).apply([g], ctxAt(0))[0]!.data();
    const c = gradientNoise({ eta: 1, seed: 8 }).apply([g], ctxAt(0))[0]!.data();
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    expect(Array.from(a)).to.not.deep.equal(Array.from(c));
    expect(new Set(a).size).to.equal(5);
  });

  it('saves and restores its generator state', () => {
    const g = zeros([3], { dtype: 'float64' });
    const n = gradientNoise({ eta: 1, seed: 1 });
    const s = JSON.parse(JSON.stringify(n.state()));
    const first = Array.from(n.apply([g], ctxAt(0))[0]!.data());
    n.loadState(s);
    expect(Array.from(n.apply([g], ctxAt(0))[0]!.data())).to.deep.equal(first);
  });

  it('in the trainer: draws from the trainer seed, reproducibly', () => {
    const run = (seed: number) => {
      const model = new Sequential(new Linear(2, 4, { rng: new Rng(0), dtype: 'float64' }), new ReLU(), new Linear(4, 2, { rng: new Rng(1), dtype: 'float64' }));
      const x = f64([[1, 2], [2, 1], [-1, 0], [0, -2], [1, -1], [3, 0]]);
      return new Trainer({
        model, loss: 'crossEntropy', optimizer: { name: 'sgd', options: { lr: 0.01 } }, order: 'sequential',
        gradients: [{ name: 'gradientNoise', options: { eta: 1 } }], batchSize: 3, epochs: 3, seed, progressBar: false,
      }).fit({ x, y: [0, 1, 0, 1, 0, 1] }).steps;
    };
    const a = run(1);
    expect(a).to.deep.equal(run(1));
    expect(a.map((s) => s.transformedGradNorm)).to.not.deep.equal(run(2).map((s) => s.transformedGradNorm));
    for (const s of a) expect(s.transformedGradNorm).to.not.equal(s.gradNorm);
  });
});

describe('gradients: in the trainer', () => {
  const model = () => new Sequential(new Linear(2, 4, { rng: new Rng(0), dtype: 'float64' }), new ReLU(), new Linear(4, 2, { rng: new Rng(1), dtype: 'float64' }));
  const data = { x: f64([[1, 2], [2, 1], [-1, 0], [0, -2]]), y: [0, 1, 0, 1] };

  it('applies the transforms in config order (clip after noise bounds the norm)', () => {
    const steps = new Trainer({
      model: model(), loss: 'crossEntropy', optimizer: { name: 'sgd', options: { lr: 0.1 } }, order: 'sequential',
      gradients: [{ name: 'gradientNoise', options: { eta: 10 } }, { name: 'clipGradNorm', options: { maxNorm: 0.01 } }],
      batchSize: 2, epochs: 2, seed: 0, progressBar: false,
    }).fit(data).steps;
    for (const s of steps) expect(s.transformedGradNorm).to.be.at.most(0.01 + 1e-9);
    // plain SGD: the update is lr × the gradient the optimizer received
    for (const s of steps) expect(s.updateNorm).to.be.closeTo(0.1 * s.transformedGradNorm, 1e-12);
  });

  it('accepts instances and rejects transforms that return the wrong shapes', () => {
    const bad: GradientTransform = { name: 'bad', apply: (grads) => grads.slice(1) };
    const t = new Trainer({ model: model(), loss: 'crossEntropy', optimizer: 'sgd', gradients: [bad], batchSize: 2, epochs: 1, seed: 0, progressBar: false });
    expect(() => t.fit(data)).to.throw(ValueError, /gradient transform 'bad': apply\(\) must return one gradient per parameter \(4\), but returned 3/);
  });
});
