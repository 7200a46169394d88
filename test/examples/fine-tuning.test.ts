import { expect } from 'chai';
import { main } from '../../examples/fine-tuning/main.js';

describe('examples/fine-tuning', function () {
  this.timeout(60000);
  it('pretrains, freezes all but a new head, and beats training from scratch on a few samples', () => {
    const r = main({ pretrainSize: 2000, fewShot: 100, testSize: 500, pretrainEpochs: 3, fineTuneEpochs: 20, log: false });
    expect(r.bodyUnchanged).to.equal(true);
    expect(r.trainableFineTune).to.equal(64 * 2 + 2);
    expect(r.pretrainAccuracy).to.be.above(0.8);
    expect(r.fineTunedAccuracy).to.be.above(r.scratchAccuracy);
  });
});
