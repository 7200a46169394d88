import { expect } from 'chai';
import { ConfigError, Rng, tensor, ValueError } from '@descent/tensor';
import { BatchNorm1d, Linear, ReLU, Sequential } from '@descent/layers';
import { createOptimizer, lrRangeSvg, lrRangeTest, snapshotModel, snapshotsEqual, suggestLr, Trainer, type LrRangeTestOptions } from '@descent/optim';

/** Three Gaussian blobs on a circle, 2-D inputs, labels 0/1/2. */
function blobs(n: number, seed: number) {
  const rng = new Rng(seed);
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([rng.normal() + 2 * Math.cos(c * 2.1), rng.normal() + 2 * Math.sin(c * 2.1)]);
    y.push(c);
  }
  return { x: tensor(xs, { dtype: 'float64' }), y };
}
const mlp = () => {
  const rng = new Rng(3);
  return new Sequential(new Linear(2, 16, { rng, dtype: 'float64' }), new ReLU(), new Linear(16, 3, { rng, dtype: 'float64' }));
};
const data = blobs(240, 1);
const base = (over: Partial<LrRangeTestOptions> = {}): LrRangeTestOptions => ({
  model: mlp(), loss: 'crossEntropy', optimizer: { name: 'sgd' }, data, batchSize: 16, minLr: 1e-6, maxLr: 10, steps: 100, progressBar: false, ...over,
});

describe('lr finder: LR range test', () => {
  for (const optimizer of ['sgd', 'adam']) {
    it(`suggests a learning rate within a factor of 10 of the best fixed rate of a sweep (${optimizer})`, function () {
      this.timeout(120_000);
      // the sweep: the same model trained 2 epochs at each fixed rate 1e-5 … 10 (half decades)
      let best = { lr: NaN, loss: Infinity };
      for (let k = -5; k <= 1.001; k += 0.5) {
        const lr = 10 ** k;
        const t = new Trainer({ model: mlp(), loss: 'crossEntropy', optimizer: { name: optimizer, options: { lr } }, batchSize: 16, epochs: 2, seed: 0, progressBar: false, nanGuard: false });
        t.fit(data);
        const loss = t.evaluate(data).loss;
        if (loss < best.loss) best = { lr, loss };
      }
      const r = lrRangeTest(base({ optimizer: { name: optimizer } }));
      for (const lr of [r.suggestion.steepest, r.suggestion.minimumDiv10]) {
        expect(Math.abs(Math.log10(lr / best.lr)), `suggested ${lr}, best fixed ${best.lr}`).to.be.lessThan(1);
      }
    });
  }

  it('leaves the model (parameters and buffers) and the optimizer state exactly as they were', () => {
    const rng = new Rng(5);
    const model = new Sequential(new Linear(2, 8, { rng, dtype: 'float64' }), new BatchNorm1d(8, { dtype: 'float64' }), new ReLU(), new Linear(8, 3, { rng, dtype: 'float64' }));
    const opt = createOptimizer('adam', model.parameters(), { lr: 1e-3 });
    new Trainer({ model, loss: 'crossEntropy', optimizer: opt, batchSize: 16, epochs: 1, seed: 0, progressBar: false }).fit(data); // some optimizer state
    const before = snapshotModel(model);
    const optBefore = JSON.stringify(opt.state());
    const r = lrRangeTest(base({ model, optimizer: opt, steps: 40 }));
    expect(r.lrs.length).to.be.greaterThan(10);
    expect(snapshotsEqual(snapshotModel(model), before)).to.equal(true);
    expect(JSON.stringify(opt.state())).to.equal(optBefore);
  });

  it('ramps the lr exponentially (or linearly) from minLr to maxLr', () => {
    const exp = lrRangeTest(base({ minLr: 1e-4, maxLr: 1e-2, steps: 21, divergeFactor: 1e9 }));
    expect(exp.lrs).to.have.length(21);
    expect(exp.lrs[0]).to.equal(1e-4);
    expect(exp.lrs[10]).to.be.closeTo(1e-3, 1e-15);
    expect(exp.lrs[20]).to.be.closeTo(1e-2, 1e-15);
    expect(exp.stopReason).to.equal('steps');
    const lin = lrRangeTest(base({ minLr: 0.01, maxLr: 0.21, steps: 21, mode: 'linear', divergeFactor: 1e9 }));
    expect(lin.lrs[10]).to.be.closeTo(0.11, 1e-15);
  });

  it('smooths the loss (bias-corrected EMA) and stops early when it diverges', () => {
    const r = lrRangeTest(base({ maxLr: 1e4, steps: 200 }));
    expect(r.stopReason).to.not.equal('steps');
    expect(r.lrs.length).to.be.lessThan(200);
    const beta = 0.98;
    let avg = 0;
    r.losses.forEach((l, i) => { avg = beta * avg + (1 - beta) * l; expect(r.smoothedLosses[i]).to.be.closeTo(avg / (1 - beta ** (i + 1)), 1e-12); });
    if (r.stopReason === 'diverged') expect(r.smoothedLosses.at(-1)).to.be.greaterThan(4 * Math.min(...r.smoothedLosses.slice(0, -1)));
  });

  it('suggestLr: steepest descent per log lr, and the minimum / 10', () => {
    expect(suggestLr([1e-3, 1e-2, 1e-1, 1], [1.0, 0.9, 0.5, 2.0])).to.deep.include({ steepest: 1e-2, minimumDiv10: 1e-2, steep: 1e-2, minimum: 1e-2 });
    expect(() => suggestLr([1], [1])).to.throw(ValueError);
  });

  it('plots the smoothed loss against the lr with the suggestions marked (SVG)', async () => {
    const r = lrRangeTest(base({ steps: 30 }));
    const svg = await lrRangeSvg(r);
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(svg).to.include('steepest').and.to.include('min/10').and.to.include('learning rate');
  });

  it('validates its options', () => {
    expect(() => lrRangeTest(base({ minLr: 0 }))).to.throw(ValueError, /minLr must be a finite number > 0/);
    expect(() => lrRangeTest(base({ maxLr: 1e-7 }))).to.throw(ValueError, /maxLr must be a finite number > minLr/);
    expect(() => lrRangeTest(base({ steps: 1 }))).to.throw(ValueError, /steps must be an integer ≥ 2/);
    expect(() => lrRangeTest({ ...base(), stepz: 3 } as LrRangeTestOptions)).to.throw(ConfigError, /unknown option 'stepz'/);
  });
});

describe('LR range test: fastai suggestions valley, slide, minimum, steep', () => {
  it('valley: about half-way into the first two thirds of the longest decreasing run (fastai)', () => {
    // longest decreasing run: indices 0…4, fastai's max_start = −1, sections 5/3 → index 0
    expect(suggestLr([1, 2, 3, 4, 5, 6, 7], [5, 4, 3, 2, 1, 2, 3]).valley).to.equal(1);
    // a single decrease at index 1: max_start −1, sections 2/3 → index −1, Python's last element
    expect(suggestLr([1, 2, 3], [2, 1, 1]).valley).to.equal(3);
  });

  it('slide: walks left from the end while the loss gradient changes by more than 0.005 across 15 points', () => {
    const lrs = Array.from({ length: 16 }, (_, i) => 10 ** (i / 4 - 4));
    expect(suggestLr(lrs, lrs.map((_, i) => 1 - 0.01 * i)).slide).to.equal(lrs[0]); // constant gradient: the left end
    // flat, then a parabola: gradients 0.1·(2k−1)… at the right end differ from the flat left part by
    // more than 0.005 for every window, so the walk reaches the left end (local = lrs[0] at l = 0)
    const bend = lrs.map((_, i) => (i < 8 ? 1 : 1 + 0.1 * (i - 7) ** 2));
    expect(suggestLr(lrs, bend).slide).to.equal(lrs[0]);
    expect(suggestLr(lrs.slice(0, 10), lrs.slice(0, 10)).slide).to.be.NaN; // shorter than 16
  });

  it('all four are returned by the range test and drawn', async () => {
    const lrs = Array.from({ length: 60 }, (_, i) => 10 ** (i / 10 - 5));
    const losses = lrs.map((lr) => 1 / (1 + 50 * lr) + 20 * lr * lr);
    const s = suggestLr(lrs, losses);
    for (const k of ['valley', 'slide', 'minimum', 'steep', 'steepest', 'minimumDiv10'] as const) expect(Number.isFinite(s[k]), k).to.equal(true);
    const svg = await lrRangeSvg({ lrs, smoothedLosses: losses, suggestion: s });
    for (const name of ['valley', 'slide', 'steepest']) expect(svg).to.include(name);
  });
});
