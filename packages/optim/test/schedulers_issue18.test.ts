import { expect } from 'chai';
import { ValueError } from '@descent/tensor';
import { createScheduler, lambdaLR, multiplicativeLR, polynomialLR, scheduleSeries, schedulers, swaLR, wsdLR } from '@descent/optim';

describe('schedulers of issue 18: wsd, polynomial, lambda, multiplicative', () => {
  it('are registered', () => {
    for (const n of ['wsd', 'polynomial', 'lambda', 'multiplicative']) expect(schedulers.names()).to.include(n);
  });

  it('polynomial: baseLr·(1 − t/T)^p, 0 from T on', () => {
    expect(scheduleSeries(polynomialLR(1, { totalIters: 4, power: 2 }), 6)).to.deep.equal([1, 0.5625, 0.25, 0.0625, 0, 0]);
  });

  it('wsd: warm-up, stable, decay to minLrRatio, then the floor', () => {
    const s = wsdLR(1, { warmupSteps: 2, stableSteps: 2, decaySteps: 2, decayType: 'linear', minLrRatio: 0.1 });
    const lrs = scheduleSeries(s, 8);
    expect(lrs.map((v) => +v.toFixed(12))).to.deep.equal([0.1, 0.55, 1, 1, 1, 0.55, 0.1, 0.1]);
    expect(() => wsdLR(1, { warmupSteps: 2, stableSteps: 2 })).to.throw(ValueError, /wsd: option 'decaySteps' is required/);
    expect(() => wsdLR(1, { warmupSteps: 2, stableSteps: 2, decaySteps: 1, decayType: 'exp' as never })).to.throw(ValueError, /'decayType' must be one of 'linear', 'cosine', '1-sqrt'/);
  });

  it('lambda and multiplicative', () => {
    expect(scheduleSeries(lambdaLR(2, { lrLambda: (t) => 1 / (t + 1) }), 3)).to.deep.equal([2, 1, 2 / 3]);
    const m = multiplicativeLR(1, { lrLambda: () => 0.5 });
    expect(scheduleSeries(m, 4)).to.deep.equal([1, 0.5, 0.25, 0.125]);
    expect(m.lr(2)).to.equal(0.25);
    expect(createScheduler('multiplicative', { lrLambda: (t: number) => (t % 2 ? 0.5 : 1) }, 1).lr(3)).to.equal(0.25);
    expect(() => lambdaLR(1, {})).to.throw(ValueError, /lambda: option 'lrLambda' must be a function/);
    expect(() => lambdaLR(1, { lrLambda: () => NaN }).lr(0)).to.throw(ValueError, /'lrLambda' must return a finite number ≥ 0, but returned NaN at step 0/);
  });
});

describe('swalr (torch.optim.swa_utils.SWALR)', () => {
  it('anneals from the base lr to swaLr over annealEpochs steps (cos or linear), then holds it; equal to the closed form', () => {
    expect(schedulers.names()).to.include('swalr');
    for (const annealStrategy of ['cos', 'linear'] as const) {
      const f = (p: number) => (annealStrategy === 'cos' ? (1 - Math.cos(Math.PI * p)) / 2 : p);
      const lrs = scheduleSeries(createScheduler('swalr', { swaLr: 0.02, annealEpochs: 5, annealStrategy }, 0.1), 9);
      lrs.forEach((v, t) => expect(v, `${annealStrategy} step ${t}`).to.be.closeTo(0.02 * f(Math.min(1, t / 5)) + 0.1 * (1 - f(Math.min(1, t / 5))), 1e-15));
      expect(lrs.slice(5)).to.deep.equal([0.02, 0.02, 0.02, 0.02]);
    }
    expect(scheduleSeries(swaLR(0.2, { swaLr: 0.03, annealEpochs: 0 }), 3)).to.deep.equal([0.03, 0.03, 0.03]);
    // random access gives the values of sequential access
    const s = swaLR(0.1, { swaLr: 0.5, annealEpochs: 6 });
    const seq = scheduleSeries(swaLR(0.1, { swaLr: 0.5, annealEpochs: 6 }), 10);
    expect([9, 3, 5, 0, 4].map((t) => s.lr(t))).to.deep.equal([9, 3, 5, 0, 4].map((t) => seq[t]));
  });

  it("with interval 'epoch' follows the epoch the trainer passes", () => {
    const s = swaLR(0.1, { swaLr: 0.02, annealEpochs: 2, annealStrategy: 'linear', interval: 'epoch' });
    expect([s.lr(0, 0), s.lr(7, 0), s.lr(8, 1), s.lr(30, 2), s.lr(31, 9)].map((v) => +v.toFixed(15))).to.deep.equal([0.1, 0.1, 0.06, 0.02, 0.02]);
    expect(() => s.lr(3)).to.throw(ValueError, /swalr: with interval 'epoch', lr\(step, epoch\) needs the epoch \(an integer ≥ 0\), but got undefined/);
  });

  it('rejects bad options, naming them', () => {
    expect(() => swaLR(0.1, {})).to.throw(ValueError, /swalr: option 'swaLr' is required/);
    expect(() => swaLR(0.1, { swaLr: 0.1, annealStrategy: 'exp' as never })).to.throw(ValueError, /swalr: option 'annealStrategy' must be one of 'cos', 'linear'/);
    expect(() => swaLR(0.1, { swaLr: 0.1, annealEpochs: 1.5 })).to.throw(ValueError, /swalr: option 'annealEpochs' must be an integer ≥ 0/);
    expect(() => swaLR(0.1, { swaLr: -1 })).to.throw(ValueError, /swalr: option 'swaLr'/);
    expect(() => swaLR(0.1, { swaLr: 0.1, interval: 'batch' as never })).to.throw(ValueError, /swalr: option 'interval' must be one of 'step', 'epoch'/);
  });
});
