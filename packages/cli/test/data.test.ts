import { expect } from 'chai';
import { loadIris, loadMnist, mnistArrays } from '../src/data/index.js';

describe('cli/data', () => {
  it('reads the 10,000 MNIST digits from the raw arrays', () => {
    const { pixels, labels } = mnistArrays();
    expect(labels).to.have.length(10000);
    expect(pixels.length).to.equal(10000 * 784);
    let lo = Infinity, hi = -Infinity;
    for (const v of pixels) { if (v < lo) lo = v; if (v > hi) hi = v; }
    expect(lo).to.equal(0);
    expect(hi).to.be.closeTo(1, 1e-6);
  });

  it('splits MNIST deterministically into disjoint sets', () => {
    const a = loadMnist({ trainSize: 300, testSize: 100, seed: 3 });
    const b = loadMnist({ trainSize: 300, testSize: 100, seed: 3 });
    expect(a.train.x.shape).to.deep.equal([300, 784]);
    expect(a.test.y).to.have.length(100);
    expect(a.train.y).to.deep.equal(b.train.y);
    expect(Array.from(a.test.x.buffer().subarray(0, 784 * 3))).to.deep.equal(Array.from(b.test.x.buffer().subarray(0, 784 * 3)));
    expect(new Set(a.train.y).size).to.equal(10);
    const c = loadMnist({ trainSize: 300, testSize: 100, seed: 4 });
    expect(c.train.y).to.not.deep.equal(a.train.y);
    expect(() => loadMnist({ trainSize: 9000, testSize: 2000 })).to.throw(/at most 10000/);
  });

  it('loads Iris stratified and standardised', () => {
    const iris = loadIris();
    expect(iris.train.x.shape).to.deep.equal([120, 4]);
    expect(iris.test.x.shape).to.deep.equal([30, 4]);
    expect(iris.classes).to.deep.equal(['setosa', 'versicolor', 'virginica']);
    for (let c = 0; c < 3; c++) expect(iris.test.y.filter((y) => y === c)).to.have.length(10);
    const x = iris.train.x.toArray() as number[][];
    for (let j = 0; j < 4; j++) {
      const m = x.reduce((s, r) => s + r[j]!, 0) / x.length;
      expect(m).to.be.closeTo(0, 1e-5);
    }
    expect(() => loadIris({ testFraction: 1 })).to.throw(/testFraction/);
  });
});
