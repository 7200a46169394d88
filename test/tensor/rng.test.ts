import { expect } from 'chai';
import { Rng } from '@descent/tensor';

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Rng(42), b = new Rng(42);
    expect([a.uniform(), a.normal(), a.nextUint32()]).to.deep.equal([b.uniform(), b.normal(), b.nextUint32()]);
    const saved = a.getState();
    const next = [a.uniform(), a.uniform()];
    a.setState(saved);
    expect([a.uniform(), a.uniform()]).to.deep.equal(next);
    expect(Rng.fromState(saved).uniform()).to.equal(next[0]);
  });

  it('split() gives independent streams and advances the parent', () => {
    const parent = new Rng(1);
    const c1 = parent.split();
    const c2 = parent.split();
    const s1 = Array.from({ length: 5 }, () => c1.uniform());
    const s2 = Array.from({ length: 5 }, () => c2.uniform());
    expect(s1).to.not.deep.equal(s2);
    const again = new Rng(1);
    expect(Array.from({ length: 5 }, () => again.split().uniform())[0]).to.equal(s1[0]);
  });

  it('uniform is in [0,1) with the right mean; normal has mean 0 and variance 1', () => {
    const rng = new Rng(9);
    let su = 0, sn = 0, sn2 = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      expect(u).to.be.at.least(0).and.below(1);
      su += u;
      const z = rng.normal();
      sn += z; sn2 += z * z;
    }
    expect(su / n).to.be.closeTo(0.5, 0.01);
    expect(sn / n).to.be.closeTo(0, 0.02);
    expect(sn2 / n).to.be.closeTo(1, 0.03);
  });

  it('permutation is a permutation', () => {
    const p = new Rng(3).permutation(100);
    expect([...p].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });
});
