import { expect } from 'chai';
import { createOptimizer, optimizers } from '@descent/optim';
import { tensor } from '@descent/tensor';
import { main } from '../../examples/custom-optimizer/main.js';
import { signSgd } from '../../examples/custom-optimizer/signsgd.js';

describe('examples/custom-optimizer', () => {
  it('checks, registers and trains the signSGD plugin (small run)', () => {
    const lines: string[] = [];
    const r = main({ steps: 60, log: (l) => lines.push(l) });
    expect(lines[0]).to.equal('checkOptimizer(signsgd): ok');
    expect(optimizers.names()).to.include('signsgd');
    expect(r.signsgd).to.be.below(r.initialLoss / 100);
    expect(r.signsgd).to.be.below(r.sgd);
    expect(lines.some((l) => l.startsWith('signsgd  final'))).to.equal(true);
  });

  it('the plugin steps by exactly η·sign(g) without momentum', () => {
    const w = tensor(Float32Array.of(0, 0, 0), { dtype: 'float32' });
    createOptimizer(signSgd, [w], { lr: 0.5 }).stepWithGrads([Float32Array.of(3, -0.1, 0)]);
    expect(Array.from(w.buffer())).to.deep.equal([-0.5, 0.5, 0]);
  });

  it('is deterministic', () => {
    expect(main({ steps: 20, log: false })).to.deep.equal(main({ steps: 20, log: false }));
  });
});
