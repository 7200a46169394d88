import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, StateError, add, mul, sum, tensor, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import {
  readCheckpoint, snapshotModel, snapshotsEqual, Trainer, type Callback, type Constraint, type History, type NamedParameter, type Regularizer, type TrainerConfig,
} from '@descent/optim';

const f64 = (values: number[][]) => tensor(values, { dtype: 'float64' });

function blobs(n: number, seed: number): { x: Tensor; y: number[] } {
  const rng = new Rng(seed);
  const xs: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([rng.normal() + c, rng.normal() - c]);
    y.push(c);
  }
  return { x: f64(xs), y };
}

const mlp = (seed = 11) => {
  const rng = new Rng(seed);
  return new Sequential(new Linear(2, 6, { rng, dtype: 'float64' }), new ReLU(), new Linear(6, 3, { rng, dtype: 'float64' }));
};

class Crash extends Error {}
/** Simulates a crash (power loss, kill) in the middle of step `at`, after its backward pass. */
const crashAt = (at: number): Callback => ({ name: 'crash', onBackwardEnd: (info) => { if (info.step === at) throw new Crash(`crash at step ${at}`); } });

const train = blobs(30, 1);
const validation = blobs(12, 2);

/** A run that uses every stateful part: shuffle, gradient noise, Adam, one-cycle (β₁ cycling), early stopping, validation. */
function config(dir: string, extra: Callback[] = [], over: Partial<TrainerConfig> = {}): TrainerConfig {
  return {
    model: mlp(), loss: 'crossEntropy',
    optimizer: { name: 'adam', options: { lr: 0.01 } },
    scheduler: { name: 'onecycle', options: { maxLr: 0.05 } },
    gradients: [{ name: 'gradientNoise', options: { eta: 0.05 } }, { name: 'clipGradNorm', options: { maxNorm: 2 } }],
    regularizers: [{ name: 'l2', options: { lambda: 1e-3 } }],
    order: 'shuffle',
    callbacks: [
      // minDelta 0.02: epochs 3 and 5 do not count as improvements, and the weights of epoch 4 are restored at the end
      { name: 'earlyStopping', options: { patience: 3, minDelta: 0.02 } },
      { name: 'checkpoint', options: { path: join(dir, 'last.json'), everySteps: 4, everyEpochs: 1 } },
      ...extra,
    ],
    batchSize: 7, epochs: 6, seed: 42, progressBar: false, ...over,
  };
}

const params = (t: Trainer) => t.model.parameters().map((p) => Array.from(p.data()));
const stoppingState = (t: Trainer) => JSON.stringify(t.callbacks.find((c) => c.name === 'earlyStopping')!.state!());

describe('trainer: checkpoints', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'descent-ckpt-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  function uninterrupted(over: Partial<TrainerConfig> = {}): { history: History; params: number[][]; stopping: string } {
    const other = mkdtempSync(join(tmpdir(), 'descent-ckpt-'));
    try {
      const t = new Trainer(config(other, [], over));
      const history = t.fit(train, { validation });
      return { history, params: params(t), stopping: stoppingState(t) };
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }

  for (const crash of [10, 13, 20]) {
    it(`an interrupted-and-resumed run is bit-identical to an uninterrupted one (crash at step ${crash})`, () => {
      const ref = uninterrupted();
      // 5 steps per epoch, checkpoints every 4 steps and every epoch: the last one before the crash is
      // at step 10 = an epoch end (crash 10), mid-epoch at step 12 (crash 13), and after step 19, the
      // last batch of epoch 3, with only its epoch end left to run (crash 20)
      expect(() => new Trainer(config(dir, [crashAt(crash)])).fit(train, { validation })).to.throw(Crash);
      const saved = readCheckpoint(join(dir, 'last.json')).body.progress;
      expect(saved.step).to.equal({ 10: 10, 13: 12, 20: 20 }[crash]);
      // a fresh process: another initialisation, so only the checkpoint can make the runs agree
      let stepsRun = 0;
      const counter: Callback = { name: 'counter', onBatchBegin: () => { stepsRun++; } };
      const resumed = new Trainer(config(dir, [counter], { model: mlp(99) }));
      const history = resumed.fit(train, { validation, resumeFrom: join(dir, 'last.json') });
      expect(stepsRun).to.equal(ref.history.steps.length - saved.step);
      expect(history).to.deep.equal(ref.history);
      expect(params(resumed)).to.deep.equal(ref.params);
      expect(stoppingState(resumed)).to.equal(ref.stopping);
      expect(JSON.parse(ref.stopping)).to.include({ bestEpoch: 4, wait: 1 });
    });
  }

  it('what a plugin owns is saved and restored: a generator held as a property, and state() of a regularizer and a constraint', () => {
    /** An L2 penalty whose weight is jittered by its own generator at every step. */
    class JitteredL2 implements Regularizer {
      readonly name = 'jitteredL2';
      constructor(readonly rng: Rng) {}
      penalty(ps: readonly NamedParameter[]) {
        const w = 1e-3 * (1 + 0.5 * this.rng.normal());
        return ps.map((p) => sum(mul(p.tensor, p.tensor))).reduce((a, b) => add(a, b)).mul(w);
      }
    }
    /** Scales the weights down a little every third application: its count lives in a closure. */
    const everyThird = (): Constraint => {
      let count = 0;
      return {
        name: 'everyThird',
        apply: (ps) => { if (++count % 3 === 0) for (const p of ps) p.tensor.assign(p.tensor.data().map((v) => v * 0.999)); },
        state: () => ({ count }),
        loadState: (st) => { const c = (st as { count?: unknown } | null)?.count; if (!Number.isInteger(c)) throw new StateError(`everyThird: bad count ${String(c)}`); count = c as number; },
      };
    };
    const over = (seed: number): Partial<TrainerConfig> => ({ regularizers: [new JitteredL2(new Rng(seed))], constraints: [everyThird()] });
    const ref = uninterrupted(over(5));
    expect(() => new Trainer(config(dir, [crashAt(13)], over(5))).fit(train, { validation })).to.throw(Crash);
    const body = readCheckpoint(join(dir, 'last.json')).body;
    expect(body.plugins!.map((p) => p.name)).to.deep.equal(['jitteredL2', 'everyThird', 'gradientNoise']);
    expect(body.plugins![1]!.state).to.deep.equal({ count: 12 });
    // Another generator seed and a fresh count: only the checkpoint can make the runs agree.
    const resumed = new Trainer(config(dir, [], { ...over(77), model: mlp(99) }));
    expect(resumed.fit(train, { validation, resumeFrom: join(dir, 'last.json') })).to.deep.equal(ref.history);
    expect(params(resumed)).to.deep.equal(ref.params);
    // A trainer whose plugins keep other things does not take the checkpoint, and nothing changes.
    const other = new Trainer(config(dir, [], { model: mlp(99) }));
    const before = params(other);
    expect(() => other.fit(train, { validation, resumeFrom: join(dir, 'last.json') })).to.throw(StateError, /plugins: checkpoint \["jitteredL2","everyThird","gradientNoise"\], trainer \["gradientNoise"\]/);
    expect(params(other)).to.deep.equal(before);
  });

  it('resumes a curriculum run bit-identically', () => {
    const difficulty = train.y.map((c, i) => c + (i % 5) / 10);
    const over: Partial<TrainerConfig> = { order: { name: 'curriculum', options: { difficulty, pacing: 'root', startFraction: 0.3 } } };
    const ref = uninterrupted(over);
    expect(() => new Trainer(config(dir, [crashAt(7)], over)).fit(train, { validation })).to.throw(Crash);
    const resumed = new Trainer(config(dir, [], { ...over, model: mlp(99) }));
    expect(resumed.fit(train, { validation, resumeFrom: join(dir, 'last.json') })).to.deep.equal(ref.history);
    expect(params(resumed)).to.deep.equal(ref.params);
  });

  it('a stop requested mid-epoch is kept in the checkpoint: the resumed run ends that epoch and stops', () => {
    const stopper: Callback = { name: 'stopper', onBatchEnd: (r) => (r.step === 6 ? 'stop' : undefined) };
    const everyStep = { name: 'checkpoint', options: { path: join(dir, 'step-{step}.json'), everySteps: 1, everyEpochs: 0 } };
    const t = new Trainer({ ...config(dir, [stopper]), callbacks: [everyStep, stopper] });
    const ref = t.fit(train, { validation });
    expect(ref.stopReason).to.equal('callback');
    expect(ref.epochs).to.have.length(2);
    for (const at of [5, 7]) {
      const resumed = new Trainer({ ...config(dir, [], { model: mlp(99) }), callbacks: [everyStep, stopper] });
      expect(resumed.fit(train, { validation, resumeFrom: join(dir, `step-${at}.json`) }), `from step ${at}`).to.deep.equal(ref);
      expect(params(resumed)).to.deep.equal(params(t));
    }
  });

  it('resuming from the checkpoint of a finished run trains no further', () => {
    const t = new Trainer(config(dir));
    const h = t.fit(train, { validation });
    const again = new Trainer(config(dir, [], { model: mlp(99) }));
    const h2 = again.fit(train, { validation, resumeFrom: join(dir, 'last.json') });
    expect(h2.steps).to.deep.equal(h.steps);
    expect(params(again)).to.deep.equal(params(t));
  });

  it('writes atomically: no temporary file is left behind, and the file records progress', () => {
    new Trainer(config(dir, [], { epochs: 2 })).fit(train, { validation });
    expect(readdirSync(dir)).to.deep.equal(['last.json']);
    const { format, body } = readCheckpoint(join(dir, 'last.json'));
    expect(format).to.equal('descent.checkpoint/1');
    expect(body.progress).to.include({ epoch: 2, batch: 0, step: 10 });
    expect(Object.keys(body.model)).to.deep.equal(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  describe('a corrupted or mismatched checkpoint is rejected and changes nothing', () => {
    function expectRejected(path: string, message: RegExp, over: Partial<TrainerConfig> = {}) {
      const t = new Trainer(config(dir, [], over));
      const model = snapshotModel(t.model);
      const opt = JSON.stringify(t.optimizer.state());
      expect(() => t.fit(train, { validation, resumeFrom: path })).to.throw(StateError, message);
      expect(snapshotsEqual(snapshotModel(t.model), model)).to.equal(true);
      expect(JSON.stringify(t.optimizer.state())).to.equal(opt);
    }

    beforeEach(() => {
      new Trainer(config(dir, [], { epochs: 1 })).fit(train, { validation });
    });

    it('a flipped byte (checksum)', () => {
      const path = join(dir, 'last.json');
      const text = readFileSync(path, 'utf8');
      const i = text.indexOf('"step\\":') + 9;
      writeFileSync(path, text.slice(0, i) + (text[i] === '1' ? '2' : '1') + text.slice(i + 1));
      expectRejected(path, /checksum does not match the content: the file is corrupted/);
    });

    it('a truncated file', () => {
      const path = join(dir, 'last.json');
      writeFileSync(path, readFileSync(path, 'utf8').slice(0, 500));
      expectRejected(path, /not valid JSON \(truncated or corrupted\?\)/);
    });

    it('a missing file or another format', () => {
      expectRejected(join(dir, 'nope.json'), /cannot read the file/);
      const other = join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ format: 'descent-state', tensors: {} }));
      expectRejected(other, /expected format 'descent.checkpoint\/1'/);
    });

    it('another batch size, optimizer or model', () => {
      const path = join(dir, 'last.json');
      expectRejected(path, /does not match this trainer .*\n {2}batchSize: checkpoint 7, trainer 5/, { batchSize: 5 });
      expectRejected(path, /optimizer: checkpoint "adam", trainer "sgd"/, { optimizer: { name: 'sgd', options: { lr: 0.1 } } });
      const rng = new Rng(0);
      const wider = new Sequential(new Linear(2, 7, { rng, dtype: 'float64' }), new ReLU(), new Linear(7, 3, { rng, dtype: 'float64' }));
      expectRejected(path, /parameter 0: checkpoint '0.weight' float64 \[2,6\], model '0.weight' float64 \[2,7\]/, { model: wider });
    });

    it('a well-formed file whose state does not load (everything loaded so far is put back)', () => {
      const path = join(dir, 'last.json');
      const file = JSON.parse(readFileSync(path, 'utf8')) as { body: string; checksum: string };
      const body = JSON.parse(file.body) as { optimizer: { step: number; groups: Array<{ state: unknown }> } };
      body.optimizer.groups[0]!.state = { nonsense: 1 };
      const text = JSON.stringify(body);
      const { createHash } = require_crypto();
      writeFileSync(path, JSON.stringify({ format: 'descent.checkpoint/1', checksum: createHash('sha256').update(text).digest('hex'), body: text }));
      expectRejected(path, /could not be loaded \(nothing was changed\)/);
    });
  });
});

// NOTE: node:crypto through a tiny indirection so the file stays ESM-clean.
import * as crypto from 'node:crypto';
function require_crypto(): typeof crypto { return crypto; }
