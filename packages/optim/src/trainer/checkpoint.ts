/**
 * The checkpoint file: everything a run needs to continue bit-identically, written atomically and
 * checked on read.
 *
 * The file is JSON `{ format, checksum, body }` where `body` is the JSON text of a
 * {@link CheckpointBody} and `checksum` its SHA-256, so truncation or an edited byte is detected.
 * Tensors and optimizer buffers are stored as their exact bytes (`@descent/layers`' encoding),
 * non-finite numbers of the history as strings.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateError } from '@descent/tensor';
import { writeFileAtomic } from '@descent/layers';
import type { RngState } from '@descent/tensor';
import { formatValue } from '../options.js';
import { checkCheckpointBody } from './checkpoint_schema.js';
import type { EncodedTensor } from '@descent/layers';
import type { OptimizerStateDict } from '../optimizer.js';
import type { SchedulerState } from '../schedulers/types.js';
import type { History, PluginState, StopReason } from '../plugin_types.js';
import type { SavedPlugin } from './plugin_state.js';

/** The `format` field of a checkpoint file.
 * @example
 * ```ts
 * readCheckpoint('run/last.json').format; // 'descent.checkpoint/1'
 * ```
 */
export const CHECKPOINT_FORMAT = 'descent.checkpoint/1';

/** What must match between a checkpoint and the trainer that resumes from it.
 * @example
 * ```ts
 * const f: CheckpointFingerprint = readCheckpoint(path).body.fingerprint;
 * ```
 */
export interface CheckpointFingerprint {
  /** Each trained parameter, in the optimizer's order. */
  params: Array<{
    /** Parameter name (e.g. `'fc1.weight'`). */ name: string;
    /** Parameter shape. */ shape: number[];
    /** Parameter dtype (`'float32'` or `'float64'`). */ dtype: string }>;
  /** Registry name of the optimizer. */
  optimizer: string;
  /** Registry name of the scheduler, or null when there is none. */
  scheduler: string | null;
  /** Registry name of the data order. */
  order: string;
  /** Names of the gradient transforms, in config order. */
  gradients: string[];
  /** Names of the callbacks that save state, in call order. */
  callbacks: string[];
  /** Samples per mini-batch. */
  batchSize: number;
  /** Number of training samples. */
  samples: number;
  /** Optimizer steps per epoch (batches, or groups of them with `accumulateGradBatches`). */
  stepsPerEpoch: number;
  /** Mini-batches per optimizer step (`TrainerConfig.accumulateGradBatches`; absent in files
   * written before it existed, which were all 1). */
  accumulateGradBatches?: number;
}

/** Where the run was when the checkpoint was taken.
 * @example
 * ```ts
 * const p: CheckpointProgress = readCheckpoint(path).body.progress; // { epoch: 2, batch: 0, step: 60, … }
 * ```
 */
export interface CheckpointProgress {
  /** The epoch to continue in. */
  epoch: number;
  /** The next batch index in that epoch (equal to the steps per epoch when only the epoch end is left). */
  batch: number;
  /** Steps completed. */
  step: number;
  /** The order generator's state at the start of `epoch` (the epoch's batches are re-planned from it). */
  orderRng: RngState;
  /** A stop already requested (training then does not continue). */
  stop: {
    /** Why the stop was requested. */ reason: StopReason;
    /** Human-readable description of the stop. */ message: string } | null;
}

/** The running sums of the current epoch (so a mid-epoch resume reports the same epoch record).
 * @example
 * ```ts
 * const acc: EpochAccumulator = emptyAccumulator();
 * ```
 */
export interface EpochAccumulator {
  /** Steps taken so far in the epoch. */
  steps: number;
  /** Samples seen so far in the epoch. */
  samples: number;
  /** Sum of batch loss × batch size (divided by `samples` for the epoch loss). */
  lossSum: number;
  /** Sum of batch penalty × batch size. */
  penaltySum: number;
  /** Correct predictions so far (classification only). */
  correct: number;
  /** Predictions counted towards accuracy so far (0 for regression). */
  counted: number;
  /** Sum of the steps' global gradient norms (divided by `steps` for the mean). */
  gradNormSum: number;
  /** Learning rate of the latest step (NaN before the first). */
  lastLr: number;
}

/** A fresh {@link EpochAccumulator}.
 * @example
 * ```ts
 * emptyAccumulator().steps; // 0
 * ```
 */
export function emptyAccumulator(): EpochAccumulator {
  return { steps: 0, samples: 0, lossSum: 0, penaltySum: 0, correct: 0, counted: 0, gradNormSum: 0, lastLr: NaN };
}

/** The content of a checkpoint.
 * @example
 * ```ts
 * const body: CheckpointBody = readCheckpoint('run/last.json').body;
 * body.progress.step; // steps completed when it was written
 * ```
 */
export interface CheckpointBody {
  /** What the resuming trainer must match (parameters, plugins, batch size, data size). */
  fingerprint: CheckpointFingerprint;
  /** Where the run was: epoch, batch, step, order generator, pending stop. */
  progress: CheckpointProgress;
  /** The current epoch's running sums. */
  accumulator: EpochAccumulator;
  /** Every model parameter and buffer by name, as exact bytes. */
  model: Record<string, EncodedTensor>;
  /** The optimizer's saved state (`Optimizer.state()`). */
  optimizer: OptimizerStateDict;
  /** The scheduler's saved state, or null when there is none. */
  scheduler: SchedulerState | null;
  /** Each gradient transform's state, in config order (null for stateless ones). */
  gradients: PluginState[];
  /** The state of each callback that has one, in call order. */
  callbacks: Array<{
    /** The callback's name. */ name: string;
    /** What its `state()` returned. */ state: PluginState }>;
  /** The history recorded up to the checkpoint. */
  history: History;
  /** The state of every random generator the model holds (Dropout's, …) by name
   * (`TrainableModel.namedGenerators`); absent in files written before it was saved. */
  generators?: Record<string, RngState>;
  /** Each plugin's own state and generators (order, regularizers, constraints, gradient transforms,
   * callbacks, scheduler, in that order); absent in files written before it was saved. */
  plugins?: SavedPlugin[];
}

/** A parsed, checksum-verified checkpoint file.
 * @example
 * ```ts
 * const { format, body } = readCheckpoint('run/last.json');
 * ```
 */
export interface CheckpointFile {
  /** Format tag and version, {@link CHECKPOINT_FORMAT}. */
  format: typeof CHECKPOINT_FORMAT;
  /** SHA-256 (hex) of the body's JSON text, verified on read. */
  checksum: string;
  /** The checkpoint's content. */
  body: CheckpointBody;
}

const NON_FINITE = '$nonFinite';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NON_FINITE]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === NON_FINITE && ['NaN', 'Infinity', '-Infinity'].includes(v[NON_FINITE] as string)) return Number(v[NON_FINITE]);
  }
  return value;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Write a checkpoint atomically (temporary file, every write's byte count checked, fsync, rename):
 * a crash mid-write or a full disk leaves the previous file byte for byte intact.
 * @throws FileWriteError (a StateError) when the file cannot be written completely.
 * @example
 * ```ts
 * writeCheckpoint('run/last.json', body);
 * ```
 */
export function writeCheckpoint(path: string, body: CheckpointBody): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new StateError(`writeCheckpoint: body must be a checkpoint object, but got ${formatValue(body, 80)}`);
  }
  const text = JSON.stringify(body, replacer);
  const file = { format: CHECKPOINT_FORMAT, checksum: sha256(text), body: text };
  writeFileAtomic(path, JSON.stringify(file));
}

/**
 * Read and verify a checkpoint file: it must parse, have the right format, its body must match
 * its SHA-256 checksum and the checkpoint schema (every field of its type and in its range).
 * (Whether it fits a trainer is checked by `fit(…, { resumeFrom })`.)
 * @throws StateError for a missing, unreadable, truncated, corrupted, malformed or foreign file.
 * @example
 * ```ts
 * const { body } = readCheckpoint('run/last.json');
 * console.log(body.progress.epoch, body.progress.step);
 * ```
 */
export function readCheckpoint(path: string): CheckpointFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new StateError(`checkpoint '${path}': cannot read the file: ${(e as Error).message}`);
  }
  let file: { format?: unknown; checksum?: unknown; body?: unknown };
  try {
    file = JSON.parse(text) as typeof file;
  } catch (e) {
    throw new StateError(`checkpoint '${path}': not valid JSON (truncated or corrupted?): ${(e as Error).message}`);
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file)) throw new StateError(`checkpoint '${path}': expected a checkpoint object, but got ${formatValue(file, 80)}`);
  if (file.format !== CHECKPOINT_FORMAT) throw new StateError(`checkpoint '${path}': expected format '${CHECKPOINT_FORMAT}', but got ${JSON.stringify(file.format)}`);
  if (typeof file.body !== 'string' || typeof file.checksum !== 'string') throw new StateError(`checkpoint '${path}': the 'body' text or the 'checksum' is missing`);
  if (sha256(file.body) !== file.checksum) throw new StateError(`checkpoint '${path}': the checksum does not match the content: the file is corrupted`);
  let body: CheckpointBody;
  try {
    body = JSON.parse(file.body, reviver) as CheckpointBody;
  } catch (e) {
    throw new StateError(`checkpoint '${path}': the body is not valid JSON: ${(e as Error).message}`);
  }
  checkCheckpointBody(body, `checkpoint '${path}'`);
  return { format: CHECKPOINT_FORMAT, checksum: file.checksum, body };
}

/**
 * The differences between a checkpoint's fingerprint and the trainer's (empty when it fits).
 * @example
 * ```ts
 * fingerprintMismatches(saved, current); // ["batchSize: checkpoint 10, trainer 16"]
 * ```
 */
export function fingerprintMismatches(saved: CheckpointFingerprint, current: CheckpointFingerprint): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['optimizer', 'scheduler', 'order', 'batchSize', 'accumulateGradBatches', 'samples', 'stepsPerEpoch', 'gradients', 'callbacks'] as const) {
    const [a, b] = key === 'accumulateGradBatches' ? [saved[key] ?? 1, current[key] ?? 1] : [saved[key], current[key]];
    if (!same(a, b)) out.push(`${key}: checkpoint ${JSON.stringify(a)}, trainer ${JSON.stringify(b)}`);
  }
  const sp = Array.isArray(saved.params) ? saved.params : [];
  if (sp.length !== current.params.length) out.push(`parameters: checkpoint has ${sp.length}, the model has ${current.params.length}`);
  current.params.forEach((p, i) => {
    const s = sp[i];
    if (s && !same(s, p)) out.push(`parameter ${i}: checkpoint '${s.name}' ${s.dtype} [${s.shape}], model '${p.name}' ${p.dtype} [${p.shape}]`);
  });
  return out;
}
