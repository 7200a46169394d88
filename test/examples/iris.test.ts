import { expect } from 'chai';
import { main } from '../../examples/iris/main.js';

describe('examples/iris', function () {
  this.timeout(60000);
  it('classifies Iris with the Trainer (Adam, cosine, early stopping)', () => {
    const lines: string[] = [];
    const r = main({ epochs: 30, log: (l) => lines.push(l) });
    expect(r.testAccuracy).to.be.above(0.85);
    expect(r.history.epochs.length).to.be.within(1, 30);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).to.equal(30);
    expect(lines.some((l) => l.startsWith('test accuracy'))).to.equal(true);
  });
});
