import { expect } from 'chai';
import { main } from '../../examples/mnist-cnn/main.js';

describe('examples/mnist-cnn', function () {
  this.timeout(120000);
  it('trains the two-block CNN on a small MNIST sample', () => {
    const r = main({ epochs: 2, trainSize: 1280, testSize: 200, channels: [8, 16], maxLr: 0.1, log: false, progressBar: false });
    expect(r.parameters).to.equal((8 * 9 + 8) + (16 * 8 * 9 + 16) + (16 * 49 * 10 + 10));
    expect(r.history.epochs).to.have.length(2);
    expect(r.test.accuracy).to.be.above(0.75); // 0.87 with this seed
    expect(r.train.loss).to.be.below(0.6);  // 0.30
  });
});
