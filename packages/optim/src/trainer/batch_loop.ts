/**
 * The batch loop: one optimizer step (steps 1–8 of the order in trainer.ts): forward, loss and
 * penalties, backward (accumulated over micro-batches), gradient transforms, the scheduled
 * learning rate, the optimizer update and constraints, callbacks. A step that throws leaves the
 * parameters, the optimizer state, the model's buffers and generators as they were.
 * @module
 */
import { ConfigError, ShapeError, Tensor, ValueError, add, mul, noGrad, tidy } from '@descent/tensor';
import { globalNorm, type GradientContext } from '../gradients/types.js';
import { callModel } from '../model.js';
import type { LossClosure } from '../optimizers/types.js';
import { formatValue } from '../options.js';
import type { StepRecord, Targets } from '../plugin_types.js';
import { accumulateGradients, microBatchWeights } from './accumulation.js';
import { takeRows, takeTargets } from './batch.js';
import { checkClassLabels, checkGrads, checkScalarLoss, countCorrect, withStepContext } from './checks.js';
import type { TrainerParts } from './config.js';
import { restoreOptions, setMomentum } from './momentum.js';
import { describeValue } from './plugins.js';
import { eachCallback, requestStop, type Run } from './run.js';
import { flushCheckpoints } from './run_checkpoint.js';

export function runStep(parts: TrainerParts, run: Run, epoch: number, batch: number, group: Int32Array[]): void {
  const step = run.step;
  eachCallback(parts, 'onBatchBegin', (cb) => cb.onBatchBegin?.(step, run.ctx));
  // NOTE: the forward pass updates buffers (BatchNorm's running statistics): a step that fails
  // puts them back too, so a failed step leaves the whole model state as it was.
  const buffersBefore = run.buffers.length ? run.buffers.map((b) => b.data()) : null;
  const generatorsBefore = run.generators.map(([, g]) => g.getState());
  const restoreGenerators = () => run.generators.forEach(([, g], i) => g.setState(generatorsBefore[i]!));
  let record: StepRecord;
  try {
    const r = stepUpdate(parts, run, epoch, batch, group);
    if (r === null) {
      // gradTolerance stopped the run before the update: that step changes no model state either.
      if (buffersBefore) run.buffers.forEach((b, i) => b.assign(buffersBefore[i]!));
      restoreGenerators();
      return;
    }
    record = r;
  } catch (e) {
    if (buffersBefore) run.buffers.forEach((b, i) => b.assign(buffersBefore[i]!));
    restoreGenerators();
    throw e;
  }
  run.step = step + 1;

  // 8: callbacks.
  eachCallback(parts, 'onBatchEnd', (cb) => {
    if (cb.onBatchEnd?.(record, run.ctx) === 'stop') requestStop(run, 'callback', `callback '${cb.name}' stopped training at step ${step}`);
  });
  flushCheckpoints(parts, run);
}

/** Steps 1–7 of one batch; returns the step's record, or null when gradTolerance stops the run
 * before the update. Throws with parameters and optimizer state as they were. */
function stepUpdate(parts: TrainerParts, run: Run, epoch: number, batch: number, group: Int32Array[]): StepRecord | null {
  const step = run.step;
  const params = parts.params;
  const tensors = params.map((p) => p.tensor);
  const samples = group.reduce((s, b) => s + b.length, 0);

  // 1–3: forward, loss + penalties, backward, once per micro-batch of the group (a single batch
  // unless accumulateGradBatches > 1), the gradients summed.
  const weights = microBatchWeights(group);
  let lossValue = 0, penaltyValue = 0;
  let correct = 0, counted = 0, classified = false;
  const where = { step, epoch, batch };
  // In a memory scope: the forward and backward passes' tensors live in the tensor heap and are
  // disposed when the gradients are summed; the gradients come out as ordinary arrays.
  const { objective, grads: rawGrads } = tidy(() => accumulateGradients(group, tensors, (indices, i) => {
    const m = microBatchObjective(parts, run, indices, weights[i]!, i === 0, where);
    lossValue += weights[i]! * m.dataLoss.item();
    if (m.penalty !== null) penaltyValue = m.penalty.item();
    const h = noGrad(() => countCorrect(m.prediction, m.targets));
    if (h) { correct += h.correct; counted += h.total; classified = true; }
    return m.total;
  }));
  const gradNorm = globalNorm(rawGrads);

  // 4: gradient transforms, in config order.
  const gctx: GradientContext = { step, epoch, params: tensors, names: params.map((p) => p.name) };
  let grads = rawGrads;
  for (const t of parts.gradients) {
    const out = t.apply(grads, gctx);
    checkGrads(out, tensors, t.name);
    grads = out;
  }
  const transformedGradNorm = parts.gradients.length ? globalNorm(grads) : gradNorm;
  eachCallback(parts, 'onBackwardEnd', (cb) => cb.onBackwardEnd?.({ step, epoch, batch, loss: lossValue, penalty: penaltyValue, rawGrads, grads, params }, run.ctx));

  const tol = parts.gradTolerance;
  if (tol > 0 && gradNorm < tol) {
    run.stop = { reason: 'gradTolerance', message: `the global gradient norm ${gradNorm} fell below gradTolerance ${tol} at step ${step}; the parameters were not updated at that step` };
    return null;
  }

  // 5: learning rate (and cycled momentum) from the scheduler.
  const lrs = stepLrs(parts, run, step, epoch);
  const momentum = !parts.cycleMomentum ? null : run.scheduler?.momentum?.(step) ?? null;
  const before = tensors.map((t) => t.data());
  const rollback = parts.callbacks.some((cb) => cb.onUpdateEnd) || parts.constraints.length > 0 ? parts.optimizer.state() : null;
  const previousOptions = momentum === null ? null : setMomentum(parts.optimizer, momentum, run.scheduler!.name);
  const appliedMomentum = previousOptions !== null && previousOptions.some(([, key]) => key !== '') ? momentum : null;

  // 6–7: optimizer update, constraints.
  try {
    parts.optimizer.stepWithGrads(grads, lrs, parts.optimizer.plugin.needsClosure ? { loss: objective, closure: groupClosure(parts, run, group, where) } : undefined);
    for (const c of parts.constraints) c.apply(params);
    eachCallback(parts, 'onUpdateEnd', (cb) => cb.onUpdateEnd?.({ step, epoch, params }, run.ctx));
  } catch (e) {
    // NOTE: undo the step: parameters, optimizer state and momentum options as they were.
    tensors.forEach((t, i) => t.assign(before[i]!));
    if (previousOptions) restoreOptions(previousOptions);
    if (rollback) parts.optimizer.loadState(rollback);
    throw e;
  }

  // Diagnostics: update norm, largest single-parameter move, update/weight ratio.
  let du2 = 0, w2 = 0, maxUpdate = 0;
  tensors.forEach((t, i) => {
    const a = before[i]!, b = t.buffer();
    for (let k = 0; k < a.length; k++) {
      const d = b[k]! - a[k]!;
      du2 += d * d;
      w2 += a[k]! * a[k]!;
      const ad = Math.abs(d);
      if (ad > maxUpdate || Number.isNaN(ad)) maxUpdate = ad;
    }
  });
  const updateNorm = Math.sqrt(du2);
  const weightNorm = Math.sqrt(w2);
  const record: StepRecord = {
    step, epoch, batch, batchSize: samples, loss: lossValue, penalty: penaltyValue,
    ...(classified ? { accuracy: correct / counted } : {}),
    lr: lrs === undefined ? parts.optimizer.baseLrs[0]! : lrs[0]!,
    ...(appliedMomentum !== null ? { momentum: appliedMomentum } : {}),
    gradNorm, transformedGradNorm, updateNorm, maxUpdate, updateRatio: weightNorm > 0 ? updateNorm / weightNorm : 0,
    dataFraction: parts.order.fractionAt ? parts.order.fractionAt(epoch * run.sizes.length + batch * parts.accumulateGradBatches) : 1,
  };
  const acc = run.acc;
  acc.steps++;
  acc.samples += samples;
  acc.lossSum += lossValue * samples;
  acc.penaltySum += penaltyValue * samples;
  acc.gradNormSum += gradNorm;
  acc.lastLr = record.lr;
  if (classified) { acc.correct += correct; acc.counted += counted; }
  return record;
}

/** One micro-batch's objective: the forward pass, its data loss times `weight` (its share of
 * the group's samples: 1 without accumulation), plus the penalties when `withPenalty` (once per
 * optimizer step). Errors of the forward pass and the loss name the step. */
function microBatchObjective(parts: TrainerParts, run: Run, indices: Int32Array, weight: number, withPenalty: boolean, where: { step: number; epoch: number; batch: number }): {
  prediction: Tensor; targets: Targets; dataLoss: Tensor; penalty: Tensor | null; total: Tensor;
} {
  const targets = takeTargets(run.y, indices);
  let prediction: Tensor;
  let dataLoss: Tensor;
  try {
    prediction = callModel(parts.model, takeRows(run.x, indices));
    if (!run.targetsChecked) {
      // NOTE: before the first update of the run, so labels that do not fit the model fail with nothing changed.
      checkTargets(parts, run, prediction);
      run.targetsChecked = true;
    }
    dataLoss = checkScalarLoss(parts.lossFn(prediction, targets));
  } catch (e) {
    throw withStepContext(e, where.step, where.epoch, where.batch);
  }
  let penalty: Tensor | null = null;
  for (const r of withPenalty ? parts.regularizers : []) {
    const p = r.penalty(parts.params);
    if (p === null) continue;
    if (!(p instanceof Tensor) || p.size !== 1) throw new ValueError(`regularizer '${r.name}': penalty() must return a scalar Tensor or null, but got ${describeValue(p)}`);
    penalty = penalty === null ? p : add(penalty, p);
  }
  const weighted = weight === 1 ? dataLoss : mul(dataLoss, weight);
  const total = penalty === null ? weighted : add(weighted, penalty);
  if (!total.requiresGrad) {
    throw new ConfigError('Trainer: the loss does not depend on any trained parameter (are the parameters marked requireGrad()? is the forward pass inside noGrad?)');
  }
  return { prediction, targets, dataLoss, penalty, total };
}

/** The loss closure of a step's micro-batches for closure optimizers (L-BFGS, SAM): forward,
 * loss + penalties and backward at the parameters' current values, accumulated as the step's
 * own gradient is; gradient transforms are not applied. */
function groupClosure(parts: TrainerParts, run: Run, group: Int32Array[], where: { step: number; epoch: number; batch: number }): LossClosure {
  const tensors = parts.params.map((p) => p.tensor);
  const weights = microBatchWeights(group);
  return () => {
    const { objective, grads } = accumulateGradients(group, tensors, (indices, i) => microBatchObjective(parts, run, indices, weights[i]!, i === 0, where).total);
    return { loss: objective, grads };
  };
}

function stepLrs(parts: TrainerParts, run: Run, step: number, epoch: number): number[] | undefined {
  const s = run.scheduler;
  if (!s) return undefined;
  const lr = s.lr(step, epoch);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new ValueError(`Trainer.fit: scheduler '${s.name}' gave the learning rate ${formatValue(lr)} at step ${step} (epoch ${epoch}); a learning rate must be a finite number ≥ 0 (nothing was updated at that step)`);
  }
  const base = parts.optimizer.baseLrs;
  if (base.length === 1) return [lr];
  // NOTE: several parameter groups: each keeps its ratio to the schedule's base lr (PyTorch scales per group).
  return base.map((b) => (s.baseLr > 0 ? (lr * b) / s.baseLr : lr));
}

/** With the `'crossEntropy'` loss, every training and validation label must be a class index of
 * the model's outputs: checked once the first prediction gives the number of classes. */
function checkTargets(parts: TrainerParts, run: Run, prediction: Tensor): void {
  if (parts.loss !== 'crossEntropy') return;
  if (prediction.rank !== 2) {
    throw new ShapeError(`Trainer.fit: the 'crossEntropy' loss needs the model to output [batch, classes], but it gave shape [${prediction.shape.join(',')}]`);
  }
  const classes = prediction.shape[1]!;
  checkClassLabels(run.y, classes, 'training');
  if (run.validation) checkClassLabels(run.validation.y, classes, 'validation');
}
