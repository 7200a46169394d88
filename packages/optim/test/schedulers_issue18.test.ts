import { expect } from 'chai';
import { ValueError } from '@descent/tensor';
import { createScheduler, lambdaLR, multiplicativeLR, polynomialLR, scheduleSeries, schedulers, wsdLR } from '@descent/optim';

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
