import { expect } from 'chai';
import { Rng, tensor } from '@descent/tensor';
import { cnn, main } from '../../examples/mnist-cnn/main.js';
import { RandomShift } from '../../examples/mnist-cnn/random_shift.js';
import { RandomElastic } from '../../examples/mnist-cnn/random_elastic.js';
import { Ensemble } from '../../examples/mnist-cnn/ensemble.js';
import { Linear } from '@descent/layers';

describe('examples/mnist-cnn', function () {
  this.timeout(120000);
  it('trains the two-block CNN (BatchNorm2d, random shifts) on a small MNIST sample', () => {
    const r = main({ epochs: 2, trainSize: 1280, testSize: 200, channels: [8, 16], maxLr: 0.1, log: false, progressBar: false });
    // convs without bias (BatchNorm2d's β takes its place), γ and β per channel, the classifier
    expect(r.parameters).to.equal((8 * 9 + 2 * 8) + (16 * 8 * 9 + 2 * 16) + (16 * 49 * 10 + 10));
    expect(r.history.epochs).to.have.length(2);
    expect(r.history.epochs[1]!.loss).to.be.below(r.history.epochs[0]!.loss);
    expect(r.test.accuracy).to.be.above(0.75); // 0.885 with this seed
    expect(r.train.loss).to.be.below(0.6);  // 0.41
  });

  it('holds out validation digits from the training digits when asked', () => {
    const lines: string[] = [];
    main({ epochs: 1, trainSize: 300, validationSize: 100, channels: [2, 2], batchNorm: false, maxShift: 0, log: (l) => lines.push(l), progressBar: false });
    expect(lines[0]).to.match(/200 for training, 100 held out for validation \(the test digits are not loaded\)/);
    expect(lines.at(-1)).to.match(/validation acc/);
  });

  it('builds one to four conv blocks, the classifier sized to what the last pool leaves', () => {
    const net = cnn(new Rng(0), { channels: [2, 3, 4], maxShift: 0 }); // 28 → 14 → 7 → 3
    net.eval();
    expect(net.call(tensor(new Float32Array(2 * 784), { shape: [2, 1, 28, 28] })).shape).to.deep.equal([2, 10]);
    expect(net.numParameters()).to.equal((2 * 9 + 4) + (3 * 2 * 9 + 6) + (4 * 3 * 9 + 8) + (4 * 9 * 10 + 10));
    expect(() => cnn(new Rng(0), { channels: [] })).to.throw(/cnn: channels must be one to four positive integers \(one a conv block\), but got \[\]/);
    expect(() => cnn(new Rng(0), { channels: [8, 0] })).to.throw(/but got \[8,0\]/);
  });

  it('RandomShift moves each image by a seeded offset in training and is the identity in eval', () => {
    const x = tensor(Array.from({ length: 2 * 16 }, (_, i) => i + 1), { shape: [2, 1, 4, 4] });
    const a = new RandomShift(1, new Rng(3)), b = new RandomShift(1, new Rng(3));
    const ya = a.call(x).data(), yb = b.call(x).data();
    expect(Array.from(ya)).to.deep.equal(Array.from(yb));
    const xs = x.data();
    for (let n = 0; n < 2; n++) {
      // some offset (dy, dx) in −1…1 explains every pixel of image n: moved, or 0 where vacated
      const fits = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => Array.from({ length: 16 }, (_, p) => p).every((p) => {
        const h = Math.floor(p / 4), w = p % 4, sh = h - dy, sw = w - dx;
        const want = sh < 0 || sh > 3 || sw < 0 || sw > 3 ? 0 : xs[n * 16 + sh * 4 + sw]!;
        return ya[n * 16 + p] === want;
      })));
      expect(fits, `image ${n}`).to.equal(true);
    }
    a.eval();
    expect(a.call(x)).to.equal(x);
    expect(() => new RandomShift(-1, new Rng(0))).to.throw(/maxShift must be an integer ≥ 0, but got -1/);
  });

  it('RandomElastic: seeded smooth distortions in training, the identity in eval, exact at alpha 0 without shifts', () => {
    const x = tensor(Array.from({ length: 3 * 28 * 28 }, (_, i) => ((i * 7919) % 101) / 100), { shape: [3, 1, 28, 28] });
    const ya = new RandomElastic({ alpha: 34, sigma: 4 }, new Rng(5)).call(x).data();
    const yb = new RandomElastic({ alpha: 34, sigma: 4 }, new Rng(5)).call(x).data();
    expect(Array.from(ya)).to.deep.equal(Array.from(yb));
    expect(Array.from(ya)).to.not.deep.equal(Array.from(x.data()));
    // bilinear reads stay within the range of the pixels (0 outside the image)
    expect(Math.min(...ya)).to.be.at.least(0);
    expect(Math.max(...ya)).to.be.at.most(1);
    const still = new RandomElastic({ alpha: 0, maxShift: 0 }, new Rng(5));
    expect(Array.from(still.call(x).data())).to.deep.equal(Array.from(x.data()));
    still.eval();
    expect(still.call(x)).to.equal(x);
    expect(() => new RandomElastic({ sigma: 0 }, new Rng(0))).to.throw(/sigma must be a number > 0, but got 0/);
    expect(() => new RandomElastic({ alpha: -1 }, new Rng(0))).to.throw(/alpha must be a number ≥ 0, but got -1/);
    expect(() => cnn(new Rng(0), { channels: [2], elastic: { alpha: 8 }, hidden: 5 }).numParameters()).to.not.throw();
    expect(cnn(new Rng(0), { channels: [2], maxShift: 0, hidden: 5 }).numParameters()).to.equal((2 * 9 + 4) + (2 * 196 * 5 + 5) + (5 * 10 + 10));
  });

  it('Ensemble returns the log of its members\' mean probabilities; main trains one network per member', () => {
    const rng = new Rng(2);
    const a = new Linear(3, 4, { rng }), b = new Linear(3, 4, { rng });
    const x = tensor([[0.5, -1, 2], [1, 0, -0.5]]);
    const out = new Ensemble([a, b]).call(x).data();
    const pa = a.call(x).data(), pb = b.call(x).data();
    for (let r = 0; r < 2; r++) {
      const soft = (l: ArrayLike<number>) => { const e = Array.from({ length: 4 }, (_, j) => Math.exp(l[r * 4 + j]!)); const z = e.reduce((u, v) => u + v); return e.map((v) => v / z); };
      const sa = soft(pa), sb = soft(pb);
      for (let j = 0; j < 4; j++) expect(out[r * 4 + j]).to.be.closeTo(Math.log((sa[j]! + sb[j]!) / 2), 1e-6);
    }
    expect(() => new Ensemble([])).to.throw(/Ensemble: members must hold at least one network, but got none/);
    const lines: string[] = [];
    const r = main({ epochs: 1, trainSize: 300, validationSize: 100, channels: [2, 2], maxShift: 0, ensemble: 2, log: (l) => lines.push(l), progressBar: false });
    expect(lines.filter((l) => /^model \d\/2:/.test(l))).to.have.length(2);
    expect(lines.at(-1)).to.match(/^final of the 2 networks' mean prediction: .*validation acc/);
    expect(r.parameters).to.equal(2 * ((2 * 9 + 4) + (2 * 2 * 9 + 4) + (2 * 49 * 10 + 10)));
    expect(() => main({ ensemble: 0, log: false })).to.throw(/ensemble must be an integer ≥ 1, but got 0/);
  });
});
