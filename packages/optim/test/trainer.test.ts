import { expect } from 'chai';
import {
  ConfigError, NonFiniteError, RegistryError, Rng, ShapeError, sqrt, tensor, ValueError, zeros, matmul, type Tensor,
} from '@descent/tensor';
import { BatchNorm1d, CrossEntropyLoss, Linear, ReLU, Sequential } from '@descent/layers';
import {
  createOptimizer, earlyStopping, Optimizer, snapshotModel, snapshotsEqual, Trainer,
  type Callback, type Constraint, type GradientTransform, type Regularizer, type Scheduler, type TrainableModel, type TrainerConfig,
} from '@descent/optim';

const f64 = (values: number[] | number[][]) => tensor(values, { dtype: 'float64' });

/** Two Gaussian blobs in 2-D, labels 0/1, from a seed. */
function blobs(n: number, seed: number, flip = false): { x: Tensor; y: number[] } {
  const rng = new Rng(seed);
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    xs.push([rng.normal() * 0.7 + (c ? 1.5 : -1.5), rng.normal() * 0.7 + (c ? 1 : -1)]);
    y.push(flip ? 1 - c : c);
  }
  return { x: f64(xs), y };
}

function mlp(seed = 0, hidden = 8): Sequential {
  const rng = new Rng(seed);
  return new Sequential(new Linear(2, hidden, { rng, dtype: 'float64' }), new ReLU(), new Linear(hidden, 2, { rng, dtype: 'float64' }));
}

const base = (over: Partial<TrainerConfig> = {}): TrainerConfig => ({
  model: mlp(), loss: 'crossEntropy', optimizer: { name: 'sgd', options: { lr: 0.1 } },
  batchSize: 4, epochs: 2, seed: 0, progressBar: false, ...over,
});

const values = (m: TrainableModel) => m.parameters().map((p) => Array.from(p.data()));

describe('trainer: configuration errors', () => {
  const data = blobs(10, 1);
  it('rejects batch size 0, a batch size above the data, empty data and x/y length mismatch, with clear messages', () => {
    expect(() => new Trainer(base({ batchSize: 0 }))).to.throw(ValueError, /batchSize must be an integer ≥ 1 .* but got 0/);
    expect(() => new Trainer(base({ batchSize: 11 })).fit(data)).to.throw(ValueError, /batchSize \(11\) is larger than the training data \(10 samples\)/);
    expect(() => new Trainer(base()).fit({ x: zeros([0, 2], { dtype: 'float64' }), y: [] })).to.throw(ValueError, /training data is empty/);
    expect(() => new Trainer(base()).fit({ x: data.x, y: data.y.slice(1) })).to.throw(ShapeError, /10 inputs .* but 9 targets/);
    expect(() => new Trainer(base()).fit(data, { validation: { x: data.x, y: [1] } })).to.throw(ShapeError, /validation data has 10 inputs/);
  });

  it('rejects unknown keys, bad epochs or seed, and unknown plugin names (listing the registered ones)', () => {
    expect(() => new Trainer({ ...base(), shuffle: true } as TrainerConfig)).to.throw(ConfigError, /unknown config key 'shuffle'/);
    expect(() => new Trainer(base({ epochs: 0 }))).to.throw(ValueError, /epochs must be an integer ≥ 1/);
    expect(() => new Trainer({ ...base(), seed: undefined } as unknown as TrainerConfig)).to.throw(ConfigError, /seed must be a finite number/);
    expect(() => new Trainer(base({ optimizer: 'adma' }))).to.throw(RegistryError, /unknown optimizer 'adma'. Registered: .*adam/);
    expect(() => new Trainer(base({ order: 'random' }))).to.throw(RegistryError, /unknown order 'random'. Registered: curriculum, sequential, shuffle/);
    expect(() => new Trainer(base({ scheduler: 'cosin' }))).to.throw(RegistryError, /unknown scheduler 'cosin'/);
    expect(() => new Trainer(base({ gradients: [{ name: 'clipGradNorm', options: { maxNorm: -1 } }] }))).to.throw(ValueError, /maxNorm/);
    expect(() => new Trainer(base({ loss: 'hinge' as never }))).to.throw(ConfigError, /loss must be/);
    expect(() => new Trainer(base({ model: { parameters: () => [] } as unknown as TrainableModel }))).to.throw(ConfigError, /call\(x\) or forward\(x\)/);
  });
});

describe('trainer: the loop', () => {
  it('supports on-line (batch 1), mini-batch and off-line (whole set) training', () => {
    const data = blobs(12, 2);
    for (const [batchSize, perEpoch] of [[1, 12], [5, 3], [12, 1]] as const) {
      const h = new Trainer(base({ batchSize, epochs: 2 })).fit(data);
      expect(h.steps).to.have.length(2 * perEpoch);
      expect(h.epochs.map((e) => e.steps)).to.deep.equal([perEpoch, perEpoch]);
      expect(h.steps.slice(0, perEpoch).reduce((s, r) => s + r.batchSize, 0)).to.equal(12);
    }
  });

  it('learns a separable problem, with validation loss and accuracy every epoch', () => {
    const h = new Trainer(base({ optimizer: { name: 'adam', options: { lr: 0.05 } }, epochs: 15, batchSize: 8 })).fit(blobs(64, 3), { validation: blobs(32, 4) });
    expect(h.epochs).to.have.length(15);
    expect(h.epochs.at(-1)!.valAccuracy).to.be.at.least(0.9);
    expect(h.epochs.at(-1)!.valLoss).to.be.lessThan(h.epochs[0]!.valLoss!);
    expect(h.epochs.at(-1)!.accuracy).to.be.a('number');
    expect(h.stopReason).to.equal('epochs');
  });

  it('records per-step diagnostics: lr, gradient norm, update norm, largest move and update/weight ratio', () => {
    const model = mlp(1);
    const before = model.parameters().map((p) => p.data());
    const h = new Trainer(base({ model, optimizer: { name: 'sgd', options: { lr: 0.05 } }, epochs: 1, batchSize: 10, order: 'sequential' })).fit(blobs(10, 5));
    const s = h.steps[0]!;
    // one full-batch SGD step: Δθ = −lr·g, so the update norm is lr·‖g‖
    expect(s.lr).to.equal(0.05);
    expect(s.updateNorm).to.be.closeTo(0.05 * s.gradNorm, 1e-14);
    const after = model.parameters().map((p) => p.data());
    let du2 = 0, w2 = 0, maxMove = 0;
    before.forEach((b, i) => b.forEach((v, k) => { const d = after[i]![k]! - v; du2 += d * d; w2 += v * v; maxMove = Math.max(maxMove, Math.abs(d)); }));
    expect(s.updateNorm).to.be.closeTo(Math.sqrt(du2), 1e-15);
    expect(s.maxUpdate).to.equal(maxMove);
    expect(s.updateRatio).to.be.closeTo(Math.sqrt(du2 / w2), 1e-15);
    expect(s.dataFraction).to.equal(1);
  });

  it("bounds Adam's largest single-parameter move by about lr·(1 − β₁)/√(1 − β₂)", () => {
    const h = new Trainer(base({ optimizer: { name: 'adam', options: { lr: 0.01 } }, epochs: 5, batchSize: 2 })).fit(blobs(20, 6));
    const bound = (0.01 * 0.1) / Math.sqrt(0.001);
    for (const s of h.steps) expect(s.maxUpdate).to.be.at.most(bound * (1 + 1e-9));
    expect(h.steps[0]!.maxUpdate).to.be.closeTo(0.01, 1e-6); // t = 1: |m̂/√v̂| = 1 for every coordinate with g ≠ 0
  });

  it('calls the plugins in the documented order', () => {
    const log: string[] = [];
    const spy: Callback = {
      name: 'spy',
      onTrainBegin: () => log.push('trainBegin'),
      onEpochBegin: (e) => log.push(`epochBegin ${e}`),
      onBatchBegin: (s) => log.push(`batchBegin ${s}`),
      onBackwardEnd: () => log.push('backwardEnd'),
      onUpdateEnd: () => log.push('updateEnd'),
      onBatchEnd: (r) => { log.push(`batchEnd ${r.step}`); },
      onEpochEnd: (r) => { log.push(`epochEnd ${r.epoch}`); },
      onTrainEnd: () => log.push('trainEnd'),
      dispose: () => log.push('dispose'),
    };
    const reg: Regularizer = { name: 'reg', penalty: () => { log.push('penalty'); return null; } };
    const transform: GradientTransform = { name: 'tr', apply: (g) => { log.push('transform'); return g.slice(); } };
    const constraint: Constraint = { name: 'con', apply: () => { log.push('constraint'); } };
    const sched: Scheduler = {
      name: 'spySched', baseLr: 0.1, options: {}, stateful: true,
      lr: (t) => { log.push(`lr ${t}`); return 0.1; },
      observe: (m) => { log.push(`observe ${Number.isFinite(m)}`); },
      state: () => ({}), loadState: () => undefined,
    };
    new Trainer(base({ regularizers: [reg], gradients: [transform], constraints: [constraint], scheduler: sched, callbacks: [spy], epochs: 1, batchSize: 2 }))
      .fit(blobs(4, 1), { validation: blobs(4, 2) });
    expect(log).to.deep.equal([
      'trainBegin', 'epochBegin 0',
      'batchBegin 0', 'penalty', 'transform', 'backwardEnd', 'lr 0', 'constraint', 'updateEnd', 'batchEnd 0',
      'batchBegin 1', 'penalty', 'transform', 'backwardEnd', 'lr 1', 'constraint', 'updateEnd', 'batchEnd 1',
      'observe true', 'epochEnd 0', 'trainEnd', 'dispose',
    ]);
  });

  it('the plateau scheduler observes the validation loss every epoch', () => {
    const seen: number[] = [];
    const plateau: Scheduler = {
      name: 'spy', baseLr: 0.1, options: {}, stateful: true, lr: () => 0.1,
      observe: (m) => { seen.push(m); }, state: () => ({}), loadState: () => undefined,
    };
    const h = new Trainer(base({ scheduler: plateau, epochs: 3 })).fit(blobs(8, 1), { validation: blobs(8, 2) });
    expect(seen).to.deep.equal(h.epochs.map((e) => e.valLoss));
    // and the registered plateau scheduler lowers the lr when the validation loss stalls
    const h2 = new Trainer(base({ optimizer: { name: 'sgd', options: { lr: 0.1 } }, scheduler: { name: 'plateau', options: { patience: 0, factor: 0.5 } }, epochs: 6 }))
      .fit(blobs(8, 1), { validation: blobs(8, 9, true) });
    expect(h2.epochs.at(-1)!.lr).to.be.lessThan(0.1);
  });

  it('a non-finite validation loss counts as a bad epoch for the plateau scheduler, as in PyTorch', () => {
    const val = blobs(8, 2);
    const nanVal = { x: val.x.mul(NaN), y: val.y };
    const h = new Trainer(base({ scheduler: { name: 'plateau', options: { patience: 1, factor: 0.5 } }, epochs: 4 }))
      .fit(blobs(8, 1), { validation: nanVal });
    expect(h.epochs.every((e) => Number.isNaN(e.valLoss))).to.equal(true);
    // epoch 1 sets no best (NaN is never better), so 2 bad epochs (> patience 1) halve the lr from epoch 2 on
    expect(h.epochs.map((e) => e.lr)).to.deep.equal([0.1, 0.1, 0.05, 0.05]);
  });

  it('fills onecycle totalSteps and cosine tMax from the run length, and scales several parameter groups', () => {
    const t = new Trainer(base({ optimizer: { name: 'sgd', options: { lr: 0.1, momentum: 0.9 } }, scheduler: { name: 'onecycle', options: { maxLr: 0.5, pctStart: 0.5 } }, epochs: 3, batchSize: 4 }));
    const h = t.fit(blobs(8, 1));
    expect(t.scheduler!.options.totalSteps).to.equal(6);
    expect(h.steps[2]!.lr).to.be.closeTo(0.5, 1e-12); // the peak is at step pctStart·T − 1
    expect(h.steps.map((s) => s.momentum)).to.deep.equal(h.steps.map((_, i) => t.scheduler!.momentum!(i))); // cycled inversely to the lr, as PyTorch
    expect(h.steps[2]!.momentum).to.equal(0.85);
    const noCycle = new Trainer(base({ optimizer: { name: 'sgd', options: { lr: 0.1, momentum: 0.9 } }, scheduler: { name: 'onecycle', options: { maxLr: 0.5 } }, cycleMomentum: false })).fit(blobs(8, 1));
    expect(noCycle.steps[0]!.momentum).to.equal(undefined);
    const model = mlp();
    const [l1, l2] = [model.getModule('0').parameters(), model.getModule('2').parameters()];
    const opt = createOptimizer('sgd', [{ params: l1, options: { lr: 0.2 } }, { params: l2 }], { lr: 0.1 });
    const cos = new Trainer(base({ model, optimizer: opt, scheduler: { name: 'cosine', options: {} }, epochs: 2 }));
    cos.fit(blobs(8, 1));
    expect(cos.scheduler!.options.tMax).to.equal(4);
  });

  it('cycles the momentum / β₁ of the optimizer Lookahead or weight averaging wraps, as for the bare optimizer', () => {
    const spec = (wrapper: string, inner: { name: string; options: Record<string, unknown> }) => base({
      optimizer: { name: wrapper, options: wrapper === 'lookahead' ? { inner, k: 2 } : { inner, averaging: 'ema', decay: 0.9 } },
      scheduler: { name: 'onecycle', options: { maxLr: 0.5, pctStart: 0.5 } }, epochs: 3, batchSize: 4,
    });
    for (const [wrapper, inner] of ['lookahead', 'averaged'].flatMap((w) => [{ name: 'sgd', options: { lr: 0.1, momentum: 0.9 } }, { name: 'adam', options: { lr: 0.01 } }].map((i) => [w, i] as const))) {
      const t = new Trainer(spec(wrapper, inner));
      const h = t.fit(blobs(8, 1));
      expect(h.steps.map((s) => s.momentum), `${wrapper} ${inner.name}`).to.deep.equal(h.steps.map((_, i) => t.scheduler!.momentum!(i)));
      const innerOptions = (t.optimizer.groups[0]!.options as unknown as { inner: { options: Record<string, unknown> } }).inner.options;
      const last = t.scheduler!.momentum!(h.steps.length - 1);
      expect(inner.name === 'adam' ? (innerOptions.betas as number[])[0] : innerOptions.momentum, inner.name).to.equal(last);
    }
  });

  it('accepts an Optimizer instance, a loss module, and mse for regression (no accuracy)', () => {
    const model = mlp();
    const opt = new Optimizer('adam', model.parameters(), { lr: 0.01 });
    const h = new Trainer(base({ model, optimizer: opt, loss: new CrossEntropyLoss() })).fit(blobs(8, 1));
    expect(opt.stepCount).to.equal(4);
    expect(h.steps[0]!.accuracy).to.be.a('number');
    const reg = new Trainer(base({ model: mlp(), loss: 'mse' })).fit({ x: blobs(8, 1).x, y: zeros([8, 2], { dtype: 'float64' }) });
    expect(reg.steps[0]!.accuracy).to.equal(undefined);
    expect(reg.epochs[0]!.accuracy).to.equal(undefined);
  });

  it('is reproducible under its seed (shuffle), and the seed changes the order', () => {
    const run = (seed: number) => new Trainer(base({ model: mlp(), seed, order: 'shuffle', epochs: 3 })).fit(blobs(16, 1)).steps.map((s) => s.loss);
    expect(run(5)).to.deep.equal(run(5));
    expect(run(5)).to.not.deep.equal(run(6));
  });

  it('stops when the gradient norm falls below gradTolerance, without updating at that step', () => {
    // least squares, full batch: gradient descent converges linearly
    const w = zeros([2, 1], { dtype: 'float64' }).requireGrad();
    const model: TrainableModel = { forward: (x) => matmul(x, w), parameters: () => [w] };
    const x = f64([[1, 0], [0, 2], [1, 1]]);
    const y = f64([[1], [2], [2]]);
    const h = new Trainer(base({ model, loss: 'mse', optimizer: { name: 'sgd', options: { lr: 0.3 } }, batchSize: 3, epochs: 500, gradTolerance: 1e-8 })).fit({ x, y });
    expect(h.stopReason).to.equal('gradTolerance');
    expect(h.stopMessage).to.match(/fell below gradTolerance 1e-8/);
    expect(h.steps.length).to.be.lessThan(500);
    expect(Array.from(w.data()).map((v) => Math.round(v * 1e6) / 1e6)).to.deep.equal([1, 1]);
  });

  it('a gradTolerance stop leaves BatchNorm running statistics as they were before that step', () => {
    const rng = new Rng(3);
    const bn = new BatchNorm1d(2, { dtype: 'float64' });
    const model = new Sequential(new Linear(2, 2, { rng, dtype: 'float64' }), bn);
    const before = model.namedBuffers().map(([, t]) => Array.from(t.data()));
    const h = new Trainer(base({ model, loss: 'crossEntropy', batchSize: 4, epochs: 2, gradTolerance: 1e9 })).fit(blobs(8, 1));
    expect(h.stopReason).to.equal('gradTolerance');
    expect(model.namedBuffers().map(([, t]) => Array.from(t.data()))).to.deep.equal(before);
  });

  it('a callback can stop training mid-epoch; the partial epoch is recorded', () => {
    const stopper: Callback = { name: 'stopper', onBatchEnd: (r) => (r.step === 2 ? 'stop' : undefined) };
    const h = new Trainer(base({ callbacks: [stopper], batchSize: 2, epochs: 5 })).fit(blobs(8, 1));
    expect(h.stopReason).to.equal('callback');
    expect(h.steps).to.have.length(3);
    expect(h.epochs).to.have.length(1);
    expect(h.epochs[0]!.steps).to.equal(3);
  });

  it('the progress bar is off under the test runner unless asked for', () => {
    expect(new Trainer({ ...base(), progressBar: undefined }).callbacks.map((c) => c.name)).to.deep.equal(['history', 'nanGuard']);
    expect(new Trainer(base({ progressBar: true })).callbacks.map((c) => c.name)).to.deep.equal(['history', 'nanGuard', 'progressBar']);
    expect(new Trainer(base({ nanGuard: false })).callbacks.map((c) => c.name)).to.deep.equal(['history']);
  });
});

describe('trainer: early stopping', () => {
  it('stops when the validation loss stops improving and restores the best weights', () => {
    // the validation labels are flipped: the better the fit, the worse the validation loss
    const snapshots: Array<ReturnType<typeof snapshotModel>> = [];
    const model = mlp(3);
    const recorder: Callback = { name: 'recorder', onEpochEnd: (_r, ctx) => { snapshots.push(snapshotModel(ctx.model)); } };
    const es = earlyStopping({ patience: 2 });
    const h = new Trainer(base({ model, optimizer: { name: 'sgd', options: { lr: 0.2 } }, callbacks: [recorder, es], epochs: 50, batchSize: 4 }))
      .fit(blobs(16, 1), { validation: blobs(16, 2, true) });
    expect(h.stopReason).to.equal('earlyStopping');
    expect(h.epochs.length).to.be.lessThan(50);
    const valLosses = h.epochs.map((e) => e.valLoss!);
    expect(es.bestEpoch).to.equal(valLosses.indexOf(Math.min(...valLosses)));
    expect(h.epochs.length).to.equal(es.bestEpoch + 1 + 2);
    expect(snapshotsEqual(snapshotModel(model), snapshots[es.bestEpoch]!)).to.equal(true);
    expect(snapshotsEqual(snapshotModel(model), snapshots.at(-1)!)).to.equal(false);
  });

  it('monitors the training loss without validation data, and refuses a validation metric then', () => {
    const h = new Trainer(base({ callbacks: [{ name: 'earlyStopping', options: { patience: 1, minDelta: 10 } }], epochs: 10 })).fit(blobs(8, 1));
    expect(h.stopReason).to.equal('earlyStopping');
    expect(h.epochs).to.have.length(2);
    expect(() => new Trainer(base({ callbacks: [{ name: 'earlyStopping', options: { monitor: 'valLoss' } }] })).fit(blobs(8, 1)))
      .to.throw(ConfigError, /needs validation data/);
  });
});

describe('trainer: NaN guard', () => {
  const optimizerState = (t: Trainer) => JSON.stringify(t.optimizer.state());

  function watch(): { cb: Callback; last: { params: number[][]; opt: string } } {
    const last = { params: [] as number[][], opt: '' };
    const cb: Callback = {
      name: 'watch',
      onBatchBegin: (_s, ctx) => { last.params = values(ctx.model); last.opt = JSON.stringify(ctx.optimizer.state()); },
    };
    return { cb, last };
  }

  it('a non-finite loss stops training with an error naming the step; parameters and optimizer state are as before that step', () => {
    const data = blobs(8, 1);
    const xs = data.x.toArray() as number[][];
    xs[5]![0] = NaN; // sample 5 is in batch 2 (sequential, batch size 2) of each epoch
    const { cb, last } = watch();
    const t = new Trainer(base({ optimizer: { name: 'adam', options: { lr: 0.01 } }, callbacks: [cb], order: 'sequential', batchSize: 2 }));
    let err: unknown;
    try { t.fit({ x: f64(xs), y: data.y }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(NonFiniteError);
    expect((err as Error).message).to.match(/^step 2 \(epoch 0, batch 2\): the loss is NaN; the first non-finite gradient is of parameter '0\.weight'/);
    expect((err as { step: number }).step).to.equal(2);
    expect(values(t.model)).to.deep.equal(last.params);
    expect(optimizerState(t)).to.equal(last.opt);
    expect(t.optimizer.stepCount).to.equal(2);
  });

  it('a non-finite gradient with a finite loss names the parameter', () => {
    // sqrt(s)·0 is 0 at s = 0, but its gradient is ∞·0 = NaN
    const w = f64([[1, -1], [0.5, 0.5]]).requireGrad();
    const s = zeros([1], { dtype: 'float64' }).requireGrad();
    const model: TrainableModel = { forward: (x) => matmul(x, w).add(sqrt(s).mul(0)), parameters: () => [w, s], namedParameters: () => [['w', w], ['s', s]] };
    const t = new Trainer(base({ model }));
    expect(() => t.fit(blobs(8, 1))).to.throw(NonFiniteError, /^step 0 \(epoch 0, batch 0\): the gradient of parameter 's' is NaN at index 0/);
    expect(Array.from(w.data())).to.deep.equal([1, -1, 0.5, 0.5]);
  });

  it('an update that makes a parameter non-finite is rolled back', () => {
    const { cb, last } = watch();
    const t = new Trainer(base({ optimizer: { name: 'sgd', options: { lr: 1e308, momentum: 0.9 } }, callbacks: [cb] }));
    const data = blobs(8, 1);
    let err: unknown;
    try { t.fit({ x: data.x.mul(1e6), y: data.y }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(NonFiniteError);
    expect((err as Error).message).to.match(/the update made parameter '[^']+' (-?Infinity|NaN) .*the step was undone/);
    expect(values(t.model)).to.deep.equal(last.params);
    expect(optimizerState(t)).to.equal(last.opt);
    expect(t.optimizer.stepCount).to.equal((err as { step: number }).step);
  });

  it('can be turned off', () => {
    const data = blobs(8, 1);
    const xs = data.x.toArray() as number[][];
    xs[0]![0] = NaN;
    const h = new Trainer(base({ nanGuard: false })).fit({ x: f64(xs), y: data.y });
    expect(Number.isNaN(h.steps[0]!.loss)).to.equal(true);
  });
});
