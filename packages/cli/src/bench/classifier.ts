/**
 * One classification run of the benchmark, shared by the data workloads (MLP today; the CNN and
 * the Transformer reuse it): train with the spec's optimizer, learning rate, schedule and seed,
 * evaluate on the validation set a few times per epoch (time-to-target), and on all three sets at
 * the end. The test set is only evaluated at the end, and nothing here chooses by it.
 * @module
 */
import { NonFiniteError, Rng, ValueError } from '@descent/tensor';
import type { TensorModule } from '@descent/layers';
import { Trainer, type Callback } from '@descent/optim';
import type { LabelledData } from '../data/types.js';
import { evaluate } from '../model.js';
import { scheduleSpec } from '../runner.js';
import type { RunOutcome } from '../sweep/result.js';
import type { RunSpec, Target } from '../sweep/spec.js';

/** Training, validation (carved from the training data) and test sets.
 * @example
 * ```ts
 * const s: ClassifierSplits = { train, val, test };
 * ```
 */
export interface ClassifierSplits {
  /** What the optimizer trains on. */
  readonly train: LabelledData;
  /** Held out from the training data: every choice (lr, target) uses it. */
  readonly val: LabelledData;
  /** Reported once at the end. */
  readonly test: LabelledData;
}

/** What {@link trainClassifier} is told besides the spec.
 * @example
 * ```ts
 * const o: ClassifierRunOptions = { data, buildModel: (rng) => buildMlp({ inputs: 784, classes: 10, rng }).model, batchSize: 64, evalsPerEpoch: 4 };
 * ```
 */
export interface ClassifierRunOptions {
  /** The splits. */
  readonly data: ClassifierSplits;
  /** Build the model from the run's initialisation generator. */
  readonly buildModel: (rng: Rng) => TensorModule;
  /** Samples per mini-batch. */
  readonly batchSize: number;
  /** Validation passes per epoch (history points and time-to-target resolution). */
  readonly evalsPerEpoch: number;
}

/** Whether a metric value meets a target.
 * @example
 * ```ts
 * meetsTarget({ metric: 'valAcc', goal: 'max', value: 0.9 }, 0.93); // true
 * ```
 */
export function meetsTarget(target: Target, value: number | null): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  return target.goal === 'max' ? value >= target.value : value <= target.value;
}

/**
 * Train a classifier as the spec says and measure it. The seed drives the initial weights
 * (one split of `new Rng(seed)`), the data order and dropout (the trainer's own `Rng(seed)`).
 * A run whose loss turns non-finite stops there (the trainer's NaN guard) and is marked diverged.
 * Validation passes are not counted in the seconds.
 * @throws ValueError when the spec's budget has no epochs.
 * @example
 * ```ts
 * const outcome = trainClassifier(spec, { data, buildModel, batchSize: 64, evalsPerEpoch: 4 });
 * ```
 */
export function trainClassifier(spec: RunSpec, options: ClassifierRunOptions): RunOutcome {
  const { data, batchSize, evalsPerEpoch } = options;
  const epochs = spec.budget.epochs;
  if (epochs === undefined || !Number.isInteger(epochs) || epochs < 1) throw new ValueError(`trainClassifier: spec.budget.epochs must be an integer ≥ 1, but got ${String(epochs)}`);
  const model = options.buildModel(new Rng(spec.seed).split());
  const stepsPerEpoch = Math.ceil(data.train.y.length / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const evalEvery = Math.max(1, Math.round(stepsPerEpoch / evalsPerEpoch));
  const earlySteps = Math.max(1, Math.ceil(totalSteps / 4));
  const history = { step: [] as number[], seconds: [] as number[], trainLoss: [] as number[], valLoss: [] as number[], valAcc: [] as Array<number | null> };
  let t0 = 0, evalSeconds = 0, lossSum = 0, lossCount = 0, earlySum = 0, earlyCount = 0;
  let timeToTarget: RunOutcome['timeToTarget'] = { steps: null, seconds: null };
  const trainingSeconds = () => (performance.now() - t0) / 1000 - evalSeconds;
  const recorder: Callback = {
    name: 'benchRecorder',
    onTrainBegin() { t0 = performance.now(); },
    onBatchEnd(record) {
      const step = record.step + 1;
      lossSum += record.loss; lossCount++;
      if (step <= earlySteps) { earlySum += record.loss; earlyCount++; }
      if (step % evalEvery !== 0 && step !== totalSteps) return;
      const seconds = trainingSeconds();
      const e0 = performance.now();
      const v = evaluate(model, data.val);
      evalSeconds += (performance.now() - e0) / 1000;
      history.step.push(step); history.seconds.push(seconds);
      history.trainLoss.push(lossSum / lossCount); history.valLoss.push(v.loss); history.valAcc.push(v.accuracy);
      lossSum = 0; lossCount = 0;
      if (timeToTarget.steps === null && meetsTarget(spec.target, spec.target.metric === 'valAcc' ? v.accuracy : v.loss)) timeToTarget = { steps: step, seconds };
    },
  };
  const trainer = new Trainer({
    model, loss: 'crossEntropy',
    optimizer: { name: spec.optimizer.name, options: { ...spec.optimizer.options, lr: spec.lr } },
    scheduler: scheduleSpec(spec.schedule, totalSteps, spec.lr),
    order: 'shuffle', batchSize, epochs, seed: spec.seed, progressBar: false,
    callbacks: [recorder],
  });
  let diverged = false;
  try {
    trainer.fit(data.train);
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
    diverged = true;
  }
  const seconds = trainingSeconds();
  const [train, val, test] = [data.train, data.val, data.test].map((d) => evaluate(model, d)) as [ReturnType<typeof evaluate>, ReturnType<typeof evaluate>, ReturnType<typeof evaluate>];
  return {
    history,
    final: { trainLoss: train.loss, valLoss: val.loss, testLoss: test.loss, trainAcc: train.accuracy, valAcc: val.accuracy, testAcc: test.accuracy },
    timeToTarget,
    earlyLoss: diverged && earlyCount < earlySteps ? Infinity : earlySum / earlyCount,
    diverged,
    seconds,
  };
}
