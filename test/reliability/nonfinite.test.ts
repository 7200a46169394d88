// Faults during training: a NaN injected through a custom loss at step t stops training with a
// NonFiniteError naming the step and the first offending parameter, and the parameters, buffers
// and optimizer state are exactly those after step t − 1 (compared with a run stopped there).
import { expect } from 'chai';
import { crossEntropy, NonFiniteError, Rng, sqrt, tensor, type Tensor } from '@descent/tensor';
import { BatchNorm1d, Linear, ReLU, Sequential } from '@descent/layers';
import { Trainer, type Callback, type LossFunction, type TrainerConfig } from '@descent/optim';

const data = (() => {
  const rng = new Rng(5);
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 24; i++) {
    xs.push([rng.normal() + (i % 3), rng.normal(), rng.normal() - (i % 3)]);
    y.push(i % 3);
  }
  return { x: tensor(xs, { dtype: 'float64' }), y };
})();

function model(withBatchNorm = false): Sequential {
  const rng = new Rng(3);
  return withBatchNorm
    ? new Sequential(new Linear(3, 8, { rng, dtype: 'float64' }), new BatchNorm1d(8, { dtype: 'float64' }), new ReLU(), new Linear(8, 3, { rng, dtype: 'float64' }))
    : new Sequential(new Linear(3, 8, { rng, dtype: 'float64' }), new ReLU(), new Linear(8, 3, { rng, dtype: 'float64' }));
}

/** The loss of the run, with a fault injected at global step `at` (the trainer calls the loss once per step). */
function faultyLoss(at: number, fault: (loss: Tensor, m: Sequential) => Tensor, m: Sequential): LossFunction {
  let step = 0;
  return (prediction, target) => {
    const loss = crossEntropy(prediction, target as number[]);
    return step++ === at ? fault(loss, m) : loss;
  };
}

const config = (m: Sequential, loss: LossFunction, over: Partial<TrainerConfig> = {}): TrainerConfig => ({
  model: m, loss,
  optimizer: { name: 'adam', options: { lr: 0.02, weightDecay: 1e-3 } },
  scheduler: { name: 'onecycle', options: { maxLr: 0.05 } },
  gradients: [{ name: 'clipGradNorm', options: { maxNorm: 2 } }],
  batchSize: 6, epochs: 3, seed: 11, order: 'shuffle', progressBar: false, ...over,
});

/** Everything a failed step must leave as it was: parameter and buffer bits, and the optimizer state. */
function state(t: Trainer): { model: string[]; optimizer: string } {
  const m = t.model as Sequential;
  return {
    model: [...m.parameters(), ...m.buffers()].map((x) => Buffer.from(x.data().buffer).toString('hex')),
    optimizer: JSON.stringify(t.optimizer.state()),
  };
}

/** A reference run with the same configuration stopped after `steps` steps. */
function reference(steps: number, withBatchNorm: boolean): { model: string[]; optimizer: string } {
  const m = model(withBatchNorm);
  const stop: Callback = { name: 'stopAt', onBatchEnd: (r) => (r.step === steps - 1 ? 'stop' : undefined) };
  const t = new Trainer(config(m, faultyLoss(-1, (l) => l, m), { callbacks: [stop] }));
  const h = t.fit(data);
  expect(h.steps).to.have.length(steps);
  return state(t);
}

function expectFault(err: unknown, step: number): NonFiniteError & { step: number; parameter: string | null } {
  expect(err, 'training must stop with a NonFiniteError').to.be.instanceOf(NonFiniteError);
  const e = err as NonFiniteError & { step: number; parameter: string | null };
  expect(e.step).to.equal(step);
  return e;
}

describe('reliability: a non-finite loss or gradient at step t', () => {
  const t = 7; // epoch 1, batch 3 (4 steps per epoch)

  for (const withBatchNorm of [false, true]) {
    const what = withBatchNorm ? ' (with BatchNorm: its running statistics too)' : '';
    it(`a NaN loss names the step and the first offending parameter; parameters and optimizer state are those after step t − 1${what}`, () => {
      const m = model(withBatchNorm);
      const trainer = new Trainer(config(m, faultyLoss(t, (l) => l.mul(NaN), m)));
      let err: unknown;
      try { trainer.fit(data); } catch (e) { err = e; }
      const e = expectFault(err, t);
      expect(e.message).to.match(/^step 7 \(epoch 1, batch 3\): the loss is NaN; the first non-finite gradient is of parameter '0\.weight' \(NaN at index 0\); the parameters and optimizer state are as they were before this step$/);
      expect(e.parameter).to.equal('0.weight');
      expect(trainer.optimizer.stepCount).to.equal(t);
      expect(state(trainer)).to.deep.equal(reference(t, withBatchNorm));
    });
  }

  it('a NaN gradient with a finite loss names the first non-finite parameter in order', () => {
    const m = model();
    const last = m.at(2) as Linear;
    // sqrt(0·b) is 0, but its gradient is ∞·0 = NaN: only the last layer's bias (and, below, its weight) gets NaN.
    const onBias = faultyLoss(t, (l) => l.add(sqrt(last.bias!.mul(0)).sum()), m);
    const trainer = new Trainer(config(m, onBias));
    let err: unknown;
    try { trainer.fit(data); } catch (e) { err = e; }
    const e = expectFault(err, t);
    expect(e.message).to.match(/^step 7 \(epoch 1, batch 3\): the gradient of parameter '2\.bias' is NaN at index 0; the parameters and optimizer state are as they were before this step$/);
    expect(e.parameter).to.equal('2.bias');
    expect(state(trainer)).to.deep.equal(reference(t, false));

    const m2 = model();
    const last2 = m2.at(2) as Linear;
    const both = faultyLoss(t, (l) => l.add(sqrt(last2.bias!.mul(0)).sum()).add(sqrt(last2.weight.mul(0)).sum()), m2);
    let err2: unknown;
    try { new Trainer(config(m2, both)).fit(data); } catch (e2) { err2 = e2; }
    expect(expectFault(err2, t).parameter, 'the first in parameter order').to.equal('2.weight');
  });

  it('an infinite loss at the very first step changes nothing at all', () => {
    const m = model();
    const trainer = new Trainer(config(m, faultyLoss(0, (l) => l.mul(Infinity), m)));
    const before = state(trainer);
    expect(() => trainer.fit(data)).to.throw(NonFiniteError, /^step 0 \(epoch 0, batch 0\): the loss is Infinity/);
    expect(state(trainer)).to.deep.equal(before);
    expect(trainer.optimizer.stepCount).to.equal(0);
  });
});
