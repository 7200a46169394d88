import { expect } from 'chai';
import { main } from '../../examples/xor/main.js';

describe('examples/xor', () => {
  it('learns XOR with a 2-8-1 MLP and plain gradient descent', () => {
    const lines: string[] = [];
    const r = main({ epochs: 200, seed: 0, log: (line) => lines.push(line) });
    expect(r.accuracy).to.equal(1);
    expect(r.loss).to.be.below(0.05);
    expect(r.loss).to.be.below(r.initialLoss / 10);
    expect(r.predictions).to.have.length(4);
    expect(lines.some((l) => l.startsWith('final loss'))).to.equal(true);
  });

  it('is reproducible under a seed', () => {
    const a = main({ epochs: 20, seed: 3, log: false });
    const b = main({ epochs: 20, seed: 3, log: false });
    expect(a).to.deep.equal(b);
  });
});
