import { expect } from 'chai';
import { Rng, ValueError, ones, tensor } from '@descent/tensor';
import { Dropout } from '@descent/layers';

describe('Dropout', () => {
  it('keeps the expected fraction and scales survivors by 1/(1−p) over many draws', () => {
    for (const p of [0.1, 0.5, 0.8]) {
      const drop = new Dropout(p, { rng: new Rng(42) });
      const n = 20000;
      const y = Array.from(drop.call(ones([n])).data());
      const kept = y.filter((v) => v !== 0);
      // binomial: sd of the kept fraction is √(p(1−p)/n) ≤ 0.0036; allow 4 sd
      expect(kept.length / n).to.be.closeTo(1 - p, 4 * Math.sqrt((p * (1 - p)) / n));
      for (const v of kept) expect(v).to.be.closeTo(1 / (1 - p), 1e-6);
      // inverted dropout keeps the mean
      expect(y.reduce((a, b) => a + b, 0) / n).to.be.closeTo(1, 4 * Math.sqrt(p / ((1 - p) * n)));
    }
  });

  it('is the identity in eval mode and for p = 0', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const drop = new Dropout(0.5, { rng: new Rng(0) });
    drop.eval();
    expect(drop.call(x)).to.equal(x);
    expect(new Dropout(0, { rng: new Rng(0) }).call(x)).to.equal(x);
  });

  it('is reproducible under a seed, and successive calls draw new masks', () => {
    const a = new Dropout(0.5, { rng: new Rng(7) });
    const b = new Dropout(0.5, { rng: new Rng(7) });
    const x = ones([64]);
    const a1 = Array.from(a.call(x).data());
    expect(a1).to.deep.equal(Array.from(b.call(x).data()));
    expect(Array.from(a.call(x).data())).to.not.deep.equal(a1);
  });

  it('passes the gradient through the kept elements only, scaled', () => {
    const x = ones([32]).requireGrad();
    const y = new Dropout(0.25, { rng: new Rng(3) }).call(x);
    y.sum().backward();
    expect(Array.from(x.grad!.data())).to.deep.equal(Array.from(y.data()));
  });

  it('rejects p outside [0, 1) and a missing rng', () => {
    expect(() => new Dropout(1.5, { rng: new Rng(0) })).to.throw(ValueError, 'Dropout: p must be a number in [0, 1), but got 1.5');
    expect(() => new Dropout(1, { rng: new Rng(0) })).to.throw(ValueError, 'Dropout: p must be a number in [0, 1), but got 1');
    expect(() => new Dropout(-0.1, { rng: new Rng(0) })).to.throw(ValueError, /but got -0\.1/);
    expect(() => new Dropout(NaN, { rng: new Rng(0) })).to.throw(ValueError, /but got NaN/);
    expect(() => new Dropout('0.5' as never, { rng: new Rng(0) })).to.throw(ValueError, /but got "0\.5"/);
    expect(() => new Dropout(0.5, undefined as never)).to.throw(ValueError, /Dropout\(0\.5\): options\.rng must be an Rng/);
  });
});
