import { expect } from 'chai';
import { main } from '../../examples/tiny-transformer/main.js';

describe('examples/tiny-transformer', () => {
  it('fits a + b mod 11 with a one-layer Transformer; AdamW keeps the weights smallest', () => {
    const lines: string[] = [];
    const results = main({ p: 11, epochs: 60, log: (line) => lines.push(line) });
    expect(results.map((r) => r.name)).to.deep.equal(['adamw', 'adam', 'sgd']);
    const [adamw, adam, sgd] = results;
    expect(adamw!.trainAccuracy).to.be.above(0.9);
    expect(adam!.trainAccuracy).to.be.above(0.5);
    // decoupled weight decay 1 against none: a visibly smaller parameter norm from the same start
    expect(adamw!.weightNorm).to.be.below(0.8 * adam!.weightNorm);
    for (const r of results) expect(Number.isFinite(r.finalLoss)).to.equal(true);
    expect(sgd!.finalLoss).to.be.above(adamw!.finalLoss);
    expect(lines.filter((l) => /held-out acc/.test(l))).to.have.length(3);
  });

  it('is reproducible under a seed', () => {
    const run = () => main({ p: 7, epochs: 5, seed: 3, runs: ['adamw'], log: false });
    expect(run()).to.deep.equal(run());
  });
});
