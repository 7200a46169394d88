import { expect } from 'chai';
import { main } from '../../examples/mnist-mlp/main.js';

describe('examples/mnist-mlp', function () {
  this.timeout(60000);
  it('trains the 784-128-10 MLP on a small MNIST sample', () => {
    const r = main({ epochs: 1, trainSize: 1000, testSize: 300, hidden: 32, log: false, progressBar: false });
    expect(r.parameters).to.equal(784 * 32 + 32 + 2 * 32 + 32 * 10 + 10);
    expect(r.history.epochs).to.have.length(1);
    expect(r.test.accuracy).to.be.above(0.6);
    expect(r.train.loss).to.be.below(2.3);
  });
});
