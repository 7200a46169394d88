import { expect } from 'chai';
import { loadIris } from '../src/data/index.js';
import { suggestLr } from '@descent/optim';
import { runLrFind } from '../src/lr_find.js';

describe('cli/lr_find', function () {
  this.timeout(60000);

  it('uses the steepest descent and the minimum / 10 of @descent/optim', () => {
    const lrs = Array.from({ length: 50 }, (_, i) => 1e-4 * 10 ** (i / 10));
    // a loss that falls fastest around lr = 1e-2 and blows up after 1e-1
    const losses = lrs.map((lr) => 2 - Math.tanh(2 * (Math.log10(lr) + 2)) + (lr > 0.1 ? 50 * (lr - 0.1) : 0));
    const s = suggestLr(lrs, losses);
    expect(s.steepest).to.be.within(5e-3, 2e-2);
    expect(s.minimumDiv10).to.be.within(5e-3, 2e-2);
  });

  it('runs on Iris and stops when the loss diverges', () => {
    const r = runLrFind({ data: loadIris(), optimizer: 'sgdm', optimizerOptions: { momentum: 0.9 }, batchSize: 16, seed: 0, hidden: [16], steps: 80, maxLr: 100 });
    expect(r.lrs[0]).to.be.closeTo(1e-5, 1e-12);
    expect(r.lrs.length).to.be.below(80);
    expect(r.stopReason).to.equal('diverged');
    expect(r.losses.length).to.equal(r.lrs.length);
    expect(r.suggestion).to.be.within(1e-3, 10);
  });
});
