/**
 * The state of one `Trainer.fit` call (a run), what every loop shares: calling the callbacks,
 * requesting a stop, and the {@link TrainContext} the plugins see.
 * @module
 */
import { ValueError, type Rng, type RngState, type Tensor } from '@descent/tensor';
import type { Callback, TrainContext } from '../callbacks/types.js';
import type { Dataset, History, StopReason, Targets, TrainableModel } from '../plugin_types.js';
import type { Scheduler } from '../schedulers/types.js';
import type { EpochAccumulator } from './checkpoint.js';
import { callbackFailure } from './checks.js';
import type { TrainerParts } from './config.js';
import type { OwnedPlugin } from './plugin_state.js';
import { describeValue } from './plugins.js';

/** The state of one `fit` call. */
export interface Run {
  x: Tensor;
  y: Targets;
  n: number;
  validation: Dataset | null;
  /** The micro-batch sizes of an epoch (the batches the data order plans). */
  sizes: number[];
  /** Optimizer steps per epoch: the micro-batches grouped by `accumulateGradBatches`. */
  stepsPerEpoch: number;
  totalSteps: number;
  epoch: number;
  step: number;
  epochStartRng: RngState;
  acc: EpochAccumulator;
  stop: { reason: StopReason; message: string } | null;
  resumed: boolean;
  /** Whether the targets were checked against the model's outputs (at the first step of the fit). */
  targetsChecked: boolean;
  /** The model's buffers (BatchNorm running statistics), restored when a step fails. */
  buffers: Tensor[];
  /** The model's random generators (Dropout's) by name: checkpointed, and restored when a step fails. */
  generators: Array<[string, Rng]>;
  /** Every plugin's own state and generators, for checkpoints. */
  plugins: OwnedPlugin[];
  pendingCheckpoints: string[];
  history: History;
  ctx: TrainContext;
  /** The learning-rate schedule of this fit (created from its spec when the run's length is known), or null. */
  scheduler: Scheduler | null;
}

/** Call one hook of every callback, in order; what a hook throws names the callback and the hook. */
export function eachCallback(parts: TrainerParts, hook: string, call: (cb: Callback) => void): void {
  for (const cb of parts.callbacks) {
    try {
      call(cb);
    } catch (e) {
      throw callbackFailure(e, cb.name, hook);
    }
  }
}

/** Ask the run to stop; the first request wins. */
export function requestStop(run: Run, reason: StopReason, message: string): void {
  if (run.stop === null) run.stop = { reason, message };
}

/** The view of the run the plugins get: live getters, `stop` and `requestCheckpoint`. */
export function makeContext(parts: TrainerParts, run: Run): TrainContext {
  return {
    get model() { return parts.model; },
    get optimizer() { return parts.optimizer; },
    get scheduler() { return run.scheduler; },
    get history() { return run.history; },
    get params() { return parts.params; },
    get epochs() { return parts.epochs; },
    get stepsPerEpoch() { return run.stepsPerEpoch; },
    get totalSteps() { return run.totalSteps; },
    get epoch() { return run.epoch; },
    get step() { return run.step; },
    get hasValidation() { return run.validation !== null; },
    get resumed() { return run.resumed; },
    stop: (reason: StopReason, message?: string) => requestStop(run, reason, message ?? `stopped (${reason}) at step ${run.step}`),
    requestCheckpoint: (path: string) => {
      if (typeof path !== 'string' || path.length === 0) throw new ValueError(`requestCheckpoint: path must be a non-empty string, but got ${describeValue(path)}`);
      run.pendingCheckpoints.push(path);
    },
  };
}

/** The model's buffers (a `@descent/layers` Module's `namedBuffers()`), or none. */
export function bufferTensors(model: TrainableModel): Tensor[] {
  const m = model as TrainableModel & { namedBuffers?: () => Array<[string, Tensor]> };
  return typeof m.namedBuffers === 'function' ? m.namedBuffers().map(([, t]) => t) : [];
}

/** The model's random generators by name (`namedGenerators()`), or none. */
export function generatorsOf(model: TrainableModel): Array<[string, Rng]> {
  return typeof model.namedGenerators === 'function' ? model.namedGenerators() : [];
}
