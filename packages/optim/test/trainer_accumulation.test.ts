import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, StateError, ValueError, mse, tensor, type Tensor } from '@descent/tensor';
import { Linear, ReLU, Sequential } from '@descent/layers';
import {
  fingerprintMismatches, groupMicroBatches, microBatchWeights, optimizerStepsPerEpoch, readCheckpoint, Trainer,
  type Callback, type History, type TrainableModel, type TrainerConfig,
} from '@descent/optim';

/** Rows of `cols` values rounded to multiples of `grid` (dyadic rationals when grid is 2^-k). */
function gridRows(n: number, cols: number, rng: Rng, grid: number, limit: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: cols }, () => Math.max(-limit, Math.min(limit, Math.round(rng.normal() / grid) * grid))));
}

/** Regression data: 3 inputs, 2 targets. With `dyadic`, inputs on a 1/4 grid and targets on a 1/2 grid. */
function regression(n: number, seed: number, dyadic: boolean): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = dyadic ? gridRows(n, 3, rng, 0.25, 2) : gridRows(n, 3, rng, 0, Infinity).map((r) => r.map(() => rng.normal()));
  const y = dyadic ? gridRows(n, 2, rng, 0.5, 2) : x.map((r) => [Math.sin(r[0]!) + r[1]! * r[2]!, r[0]! - r[2]!]);
  return { x: tensor(x, { dtype: 'float64' }), y: tensor(y, { dtype: 'float64' }) };
}

/** A float64 MLP 3 → 6 → 2 (no BatchNorm, no Dropout); with `dyadic`, weights rounded to multiples of 1/16. */
function mlp(dyadic: boolean, seed = 3): Sequential {
  const rng = new Rng(seed);
  const m = new Sequential(new Linear(3, 6, { rng, dtype: 'float64' }), new ReLU(), new Linear(6, 2, { rng, dtype: 'float64' }));
  if (dyadic) for (const p of m.parameters()) p.assign(p.data().map((v) => Math.round(v * 16) / 16));
  return m;
}

const bits = (t: { model: TrainableModel }) => t.model.parameters().map((p) => Array.from(p.data()));

/** Records the (raw, accumulated) gradient of every optimizer step. */
function gradientLog(): { callback: Callback; steps: number[][][] } {
  const steps: number[][][] = [];
  return { steps, callback: { name: 'gradientLog', onBackwardEnd: (info) => { steps.push(info.rawGrads.map((g) => Array.from(g.data()))); } } };
}

describe('trainer: gradient accumulation (accumulateGradBatches)', () => {
  it('groups micro-batches into optimizer steps, a shorter group last, weighting each by its samples', () => {
    expect(groupMicroBatches([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect(groupMicroBatches([1, 2, 3], 5)).to.deep.equal([[1, 2, 3]]);
    expect(optimizerStepsPerEpoch(5, 2)).to.equal(3);
    expect(optimizerStepsPerEpoch(4, 2)).to.equal(2);
    expect(microBatchWeights([Int32Array.of(0, 1, 2, 3), Int32Array.of(4, 5)])).to.deep.equal([4 / 6, 2 / 6]);
    expect(microBatchWeights([Int32Array.of(0, 1, 2)])).to.deep.equal([1]);
  });

  it('rejects an accumulateGradBatches that is not an integer ≥ 1, naming it', () => {
    const config = (k: unknown): TrainerConfig => ({
      model: mlp(false), loss: 'mse', optimizer: 'sgd', batchSize: 4, epochs: 1, seed: 0, progressBar: false, accumulateGradBatches: k as number,
    });
    for (const k of [0, -1, 1.5, NaN, '2', null]) {
      expect(() => new Trainer(config(k)), String(k)).to.throw(ValueError, /Trainer: accumulateGradBatches must be an integer ≥ 1 \(the micro-batches whose gradients are summed into one optimizer step; 1 = no accumulation\), but got /);
    }
    expect(new Trainer(config(3)).accumulateGradBatches).to.equal(3);
    expect(new Trainer(config(undefined)).accumulateGradBatches).to.equal(1);
  });

  // Exactness. Accumulating sums each weight gradient in two halves, (Σ rows 0–3) + (Σ rows 4–7),
  // where one batch of 8 sums rows 0–7 in one pass: in floating point these agree only to rounding.
  // They are bit-identical when no operation rounds: here inputs, targets and weights are small
  // dyadic rationals, every batch and micro-batch size is a power of two (so the 1/N of the mean and
  // the weights nᵢ/N are exact), and Lion moves every weight by ±lr = ±2⁻⁴ (sign updates), so the
  // weights stay on the 1/16 grid and every product and sum of the forward and backward passes of
  // every step is exact. Then the accumulated gradient of each step, and the weights after it, must
  // be bit for bit those of the batch of 8, for all 15 steps, including the last group of each
  // epoch, which holds one micro-batch of 4 (20 = 8 + 8 + 4).
  it('is bit-identical to one big batch where no operation rounds (batch 8 = 2 × 4, 20 samples, 5 epochs)', () => {
    const data = regression(20, 7, true);
    const run = (batchSize: number, accumulateGradBatches: number) => {
      const log = gradientLog();
      const t = new Trainer({
        model: mlp(true), loss: 'mse', optimizer: { name: 'lion', options: { lr: 1 / 16 } }, order: 'sequential',
        batchSize, accumulateGradBatches, epochs: 5, seed: 0, progressBar: false, callbacks: [log.callback],
      });
      return { history: t.fit(data), params: bits(t), grads: log.steps };
    };
    const big = run(8, 1);
    const accumulated = run(4, 2);
    expect(accumulated.history.steps.map((s) => s.batchSize)).to.deep.equal(big.history.steps.map((s) => s.batchSize));
    expect(big.history.steps.map((s) => s.batchSize).slice(0, 3)).to.deep.equal([8, 8, 4]);
    expect(accumulated.grads).to.have.length(15);
    accumulated.grads.forEach((g, step) => expect(g, `gradient of step ${step}`).to.deep.equal(big.grads[step]));
    expect(accumulated.params).to.deep.equal(big.params);
    // the weights moved: the comparison is not of an idle run
    expect(big.params).to.not.deep.equal(bits({ model: mlp(true) }));
    // the recorded losses are the big batch's (Σ nᵢ/N · loss of micro-batch i, exact here)
    expect(accumulated.history.steps.map((s) => s.loss)).to.deep.equal(big.history.steps.map((s) => s.loss));
    // with the same runs on non-dyadic data (regression(20, 7, false), mlp(false)) 74 gradient entries of
    // the 15 steps differ in their last bits while the weights still agree (Lion sees signs only):
    // the gradient comparison above is what can fail
  });

  // With general float64 data the two summation orders round differently; what is compared is the
  // weights after every step of a shuffled run with momentum and unequal micro-batches (22 = 4+4 | 4+4 | 4+2,
  // against batches 8, 8, 6), to 1e-12 relative.
  it('equals one big batch to rounding with general data, shuffling, momentum and a shorter last micro-batch', () => {
    const data = regression(22, 5, false);
    const run = (batchSize: number, accumulateGradBatches: number) => {
      const log = gradientLog();
      const t = new Trainer({
        model: mlp(false), loss: 'mse', optimizer: { name: 'sgd', options: { lr: 0.05, momentum: 0.9 } }, order: 'shuffle',
        batchSize, accumulateGradBatches, epochs: 4, seed: 9, progressBar: false, callbacks: [log.callback],
      });
      return { history: t.fit(data), params: bits(t), grads: log.steps };
    };
    const big = run(8, 1);
    const accumulated = run(4, 2);
    expect(accumulated.history.steps.map((s) => s.batchSize)).to.deep.equal([8, 8, 6, 8, 8, 6, 8, 8, 6, 8, 8, 6]);
    let worst = 0;
    accumulated.params.forEach((p, i) => p.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - big.params[i]![j]!) / Math.max(1e-300, Math.abs(big.params[i]![j]!))); }));
    expect(worst).to.be.below(1e-12);
    accumulated.history.steps.forEach((s, i) => expect(s.loss).to.be.closeTo(big.history.steps[i]!.loss, 1e-12 * Math.abs(big.history.steps[i]!.loss)));
  });

  it('counts optimizer steps: history, schedules (tMax filled in, lr per step), epochs and the callbacks\' step', () => {
    const data = regression(20, 1, false);
    const begun: number[] = [];
    const t = new Trainer({
      model: mlp(false), loss: 'mse', optimizer: { name: 'sgd', options: { lr: 0.1 } }, order: 'sequential',
      scheduler: { name: 'step', options: { stepSize: 1, gamma: 0.5 } },
      batchSize: 4, accumulateGradBatches: 2, epochs: 2, seed: 0, progressBar: false,
      callbacks: [{ name: 'steps', onBatchBegin: (step, ctx) => { begun.push(step); expect(ctx.stepsPerEpoch).to.equal(3); expect(ctx.totalSteps).to.equal(6); } }],
    });
    const h = t.fit(data);
    expect(begun).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(h.steps.map((s) => [s.step, s.epoch, s.batch, s.batchSize])).to.deep.equal([[0, 0, 0, 8], [1, 0, 1, 8], [2, 0, 2, 4], [3, 1, 0, 8], [4, 1, 1, 8], [5, 1, 2, 4]]);
    expect(h.steps.map((s) => s.lr)).to.deep.equal([0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125]);
    expect(h.epochs.map((e) => e.steps)).to.deep.equal([3, 3]);
    const cosine = new Trainer({ model: mlp(false), loss: 'mse', optimizer: 'sgd', scheduler: 'cosine', batchSize: 4, accumulateGradBatches: 2, epochs: 2, seed: 0, progressBar: false });
    cosine.fit(data);
    expect(cosine.scheduler!.options.tMax).to.equal(6);
  });

  it('steps closure optimizers (L-BFGS) on the whole group: equal to the big batch to rounding', () => {
    const data = regression(16, 2, false);
    const run = (batchSize: number, accumulateGradBatches: number) => {
      const t = new Trainer({
        model: mlp(false), loss: 'mse', optimizer: { name: 'lbfgs', options: { lr: 0.5, maxIter: 4 } }, order: 'sequential',
        batchSize, accumulateGradBatches, epochs: 2, seed: 0, progressBar: false,
      });
      return { history: t.fit(data), params: bits(t) };
    };
    const big = run(8, 1);
    const accumulated = run(4, 2);
    accumulated.params.forEach((p, i) => p.forEach((v, j) => expect(v).to.be.closeTo(big.params[i]![j]!, 1e-10 * Math.max(1, Math.abs(v)))));
    expect(big.params).to.not.deep.equal(bits({ model: mlp(false) }));
  });

  describe('checkpoints', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'descent-accum-')); });
    afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

    class Crash extends Error {}
    const data = regression(22, 4, false);
    /** The loss of the `at`-th micro-batch of the run throws (a crash in the middle of an accumulation). */
    const crashingLoss = (at: number) => {
      let calls = 0;
      return (p: Tensor, y: unknown) => {
        if (calls++ === at) throw new Crash(`crash at micro-batch ${at}`);
        return mse(p, y as Tensor);
      };
    };
    const config = (over: Partial<TrainerConfig> = {}): TrainerConfig => ({
      model: mlp(false), loss: 'mse', optimizer: { name: 'adam', options: { lr: 0.01 } }, scheduler: { name: 'cosine', options: {} },
      order: 'shuffle', batchSize: 4, accumulateGradBatches: 2, epochs: 3, seed: 1, progressBar: false,
      callbacks: [{ name: 'checkpoint', options: { path: join(dir, 'step-{step}.json'), everySteps: 1, everyEpochs: 0 } }], ...over,
    });

    it('are taken at optimizer-step boundaries; a crash mid-accumulation resumes bit-identically from the last one', () => {
      let afterStep3: number[][] = [];
      const ref = new Trainer(config({ callbacks: [{ name: 'watch', onBatchEnd: (r) => { if (r.step === 3) afterStep3 = bits(ref); } }] }));
      const refHistory: History = ref.fit(data);
      // 6 micro-batches per epoch → 3 steps; micro-batch 9 is the second half of step 4 (epoch 1, batch 1)
      const crashing = new Trainer(config({ loss: crashingLoss(9) }));
      expect(() => crashing.fit(data)).to.throw(Crash);
      const saved = readCheckpoint(join(dir, 'step-4.json')).body;
      expect(saved.progress).to.include({ step: 4, epoch: 1, batch: 1 });
      expect(saved.fingerprint).to.include({ stepsPerEpoch: 3, accumulateGradBatches: 2, batchSize: 4 });
      expect(() => readCheckpoint(join(dir, 'step-5.json'))).to.throw(StateError);
      // the failed step (half accumulated) left the weights as step 3 made them
      expect(bits(crashing)).to.deep.equal(afterStep3);
      // a fresh trainer (other initial weights) resumed from the checkpoint ends as the uninterrupted run
      const resumed = new Trainer(config({ model: mlp(false, 99), callbacks: [] }));
      expect(resumed.fit(data, { resumeFrom: join(dir, 'step-4.json') })).to.deep.equal(refHistory);
      expect(bits(resumed)).to.deep.equal(bits(ref));
    });

    it('a checkpoint does not fit a trainer that accumulates differently (nothing is loaded)', () => {
      new Trainer(config()).fit(data);
      const other = new Trainer(config({ model: mlp(false, 99), accumulateGradBatches: 3, callbacks: [] }));
      const before = bits(other);
      expect(() => other.fit(data, { resumeFrom: join(dir, 'step-2.json') })).to.throw(StateError, /accumulateGradBatches: checkpoint 2, trainer 3\n\s+stepsPerEpoch: checkpoint 3, trainer 2/);
      expect(bits(other)).to.deep.equal(before);
      // a fingerprint without the field (a file written before it existed) reads as 1
      const { accumulateGradBatches, ...older } = readCheckpoint(join(dir, 'step-2.json')).body.fingerprint;
      expect(accumulateGradBatches).to.equal(2);
      expect(fingerprintMismatches(older, { ...older, accumulateGradBatches: 1 })).to.deep.equal([]);
      expect(fingerprintMismatches(older, { ...older, accumulateGradBatches: 2 })).to.deep.equal(['accumulateGradBatches: checkpoint 1, trainer 2']);
    });
  });
});
