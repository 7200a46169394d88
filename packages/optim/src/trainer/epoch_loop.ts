/**
 * The epoch loop: the data order's plan for the epoch, grouped into optimizer steps (batch
 * loop), then the epoch's end: validation, the plateau scheduler's observation, callbacks,
 * checkpoints. Also the evaluation pass the trainer runs on validation data.
 * @module
 */
import { noGrad, tidy } from '@descent/tensor';
import { callModel } from '../model.js';
import type { Dataset, EpochRecord } from '../plugin_types.js';
import { groupMicroBatches } from './accumulation.js';
import { takeRows, takeTargets } from './batch.js';
import { runStep } from './batch_loop.js';
import { emptyAccumulator } from './checkpoint.js';
import { checkData, checkPlan, checkScalarLoss, countCorrect } from './checks.js';
import type { TrainerParts } from './config.js';
import { eachCallback, requestStop, type Run } from './run.js';
import { flushCheckpoints } from './run_checkpoint.js';

export function runEpoch(parts: TrainerParts, run: Run): void {
  const epoch = run.epoch;
  const firstStep = epoch * run.stepsPerEpoch;
  parts.orderRng.setState(run.epochStartRng);
  const micro = run.sizes.length;
  const plan = parts.order.batches({ n: run.n, batchSizes: run.sizes, epoch, step: epoch * micro, totalSteps: parts.epochs * micro, rng: parts.orderRng });
  checkPlan(plan, run.sizes, run.n, parts.order.name, epoch);
  const groups = groupMicroBatches(plan, parts.accumulateGradBatches);
  const startBatch = run.step - firstStep;
  eachCallback(parts, 'onEpochBegin', (cb) => cb.onEpochBegin?.(epoch, run.ctx));
  for (let b = startBatch; b < groups.length && run.stop === null; b++) {
    runStep(parts, run, epoch, b, groups[b]!);
  }
  if (run.stop !== null && run.step === firstStep) return; // NOTE: stopped before the epoch's first update: no epoch to record
  endEpoch(parts, run, epoch);
}

function endEpoch(parts: TrainerParts, run: Run, epoch: number): void {
  const acc = run.acc;
  let val: { loss: number; accuracy?: number } | null = null;
  if (run.validation) val = evaluateModel(parts, run.validation);
  const record: EpochRecord = {
    epoch, steps: acc.steps,
    loss: acc.samples ? acc.lossSum / acc.samples : NaN,
    penalty: acc.samples ? acc.penaltySum / acc.samples : NaN,
    ...(acc.counted ? { accuracy: acc.correct / acc.counted } : {}),
    ...(val ? { valLoss: val.loss } : {}),
    ...(val?.accuracy !== undefined ? { valAccuracy: val.accuracy } : {}),
    lr: acc.lastLr,
    gradNorm: acc.steps ? acc.gradNormSum / acc.steps : NaN,
  };
  const metric = record.valLoss ?? record.loss;
  // A NaN or infinite metric is observed too: it is never an improvement, so it counts as a bad epoch (PyTorch).
  if (run.scheduler?.observe) run.scheduler.observe(metric, epoch);
  eachCallback(parts, 'onEpochEnd', (cb) => {
    if (cb.onEpochEnd?.(record, run.ctx) === 'stop') requestStop(run, 'callback', `callback '${cb.name}' stopped training after epoch ${epoch}`);
  });
  run.epoch = epoch + 1;
  run.step = run.epoch * run.stepsPerEpoch;
  run.epochStartRng = parts.orderRng.getState();
  run.acc = emptyAccumulator();
  flushCheckpoints(parts, run);
}

/** `Trainer.evaluate`: loss (and accuracy, for classification) on a data set in batches of
 * `evalBatchSize`, with the model and the optimizer in evaluation mode, without gradients. */
export function evaluateModel(parts: TrainerParts, data: Dataset): {
  /** Mean data loss over all samples (no penalties). */ loss: number;
  /** Fraction of correct predictions (classification only; absent otherwise). */ accuracy?: number } {
  const { x, y, n } = checkData(data, 'evaluation data');
  const chunk = parts.evalBatchSize;
  const wasTraining = (parts.model as { training?: boolean }).training;
  parts.model.eval?.();
  // An optimizer with an evaluation point (Schedule-Free's x) is evaluated there.
  const switched = parts.optimizer.evalMode();
  try {
    return noGrad(() => {
      let lossSum = 0, correct = 0, counted = 0;
      for (let start = 0; start < n; start += chunk) {
        const idx = Int32Array.from({ length: Math.min(chunk, n - start) }, (_, i) => start + i);
        // each batch in a memory scope: its tensors are disposed before the next batch
        tidy(() => {
          const yb = takeTargets(y, idx);
          const pred = callModel(parts.model, takeRows(x, idx));
          lossSum += checkScalarLoss(parts.lossFn(pred, yb)).item() * idx.length;
          const hits = countCorrect(pred, yb);
          if (hits) { correct += hits.correct; counted += hits.total; }
        });
      }
      return counted ? { loss: lossSum / n, accuracy: correct / counted } : { loss: lossSum / n };
    });
  } finally {
    if (switched) parts.optimizer.trainMode();
    if (wasTraining !== false) parts.model.train?.(true);
  }
}
