/**
 * The `checkpoint` callback: ask the trainer to write a checkpoint every N epochs and/or steps.
 * @module
 */
import { resolveOptions } from '../options.js';
import type { EpochRecord, StepRecord } from '../plugin_types.js';
import { callbacks, type Callback, type TrainContext } from './types.js';

/** Options of {@link checkpoint}.
 * @example
 * ```ts
 * const o: CheckpointOptions = { path: 'runs/ckpt-{epoch}.json', everyEpochs: 1, everySteps: 0 };
 * ```
 */
export interface CheckpointOptions {
  /** The file to write (required); `{epoch}` and `{step}` are replaced by the completed epoch count and step count. */
  path: string;
  /** Write after every `everyEpochs` epochs (default 1; 0 = never at epoch ends). */
  everyEpochs: number;
  /** Write after every `everySteps` steps (default 0 = never mid-epoch). */
  everySteps: number;
}

/** The file name for a checkpoint taken after `epochs` epochs and `steps` steps.
 * @example
 * ```ts
 * checkpointPath('ckpt-{epoch}-{step}.json', 2, 40); // 'ckpt-2-40.json'
 * ```
 */
export function checkpointPath(template: string, epochs: number, steps: number): string {
  return template.replace(/\{epoch\}/g, String(epochs)).replace(/\{step\}/g, String(steps));
}

/**
 * Write a checkpoint — model, optimizer, scheduler, every generator's state, callback states,
 * history, epoch and step — every `everyEpochs` epochs and/or every `everySteps` steps. The trainer
 * writes it after the hook has run in every callback, atomically (a temporary file renamed over
 * the target), so `fit(train, { resumeFrom: path })` continues bit-identically.
 *
 * @throws ConfigError / ValueError for a missing path or negative intervals.
 * @example
 * ```ts
 * const trainer = new Trainer({ ...config, callbacks: [{ name: 'checkpoint', options: { path: 'run/last.json', everySteps: 100 } }] });
 * trainer.fit(train);                                   // interrupted…
 * new Trainer({ ...config }).fit(train, { resumeFrom: 'run/last.json' }); // …continues exactly
 * ```
 */
export function checkpoint(options: Partial<CheckpointOptions>): Callback & {
  /** Paths of the checkpoints requested so far, in order. */ readonly saved: string[] } {
  const o = resolveOptions('checkpoint', { path: undefined as unknown as string, everyEpochs: 1, everySteps: 0 }, options, {
    path: (v) => (typeof v === 'string' && v.length > 0 ? null : 'is required: a non-empty file path'),
    everyEpochs: (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0'),
    everySteps: (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be an integer ≥ 0'),
  });
  const saved: string[] = [];
  const request = (ctx: TrainContext, epochs: number, steps: number) => {
    const path = checkpointPath(o.path, epochs, steps);
    saved.push(path);
    ctx.requestCheckpoint(path);
  };
  return {
    name: 'checkpoint',
    saved,
    onBatchEnd(record: StepRecord, ctx: TrainContext) {
      if (o.everySteps > 0 && (record.step + 1) % o.everySteps === 0) request(ctx, record.epoch, record.step + 1);
    },
    onEpochEnd(record: EpochRecord, ctx: TrainContext) {
      if (o.everyEpochs > 0 && (record.epoch + 1) % o.everyEpochs === 0) request(ctx, record.epoch + 1, ctx.step);
    },
  };
}

callbacks.register<CheckpointOptions>({
  name: 'checkpoint',
  description: 'write a resumable checkpoint every N epochs and/or steps (atomic write)',
  defaults: { path: undefined as unknown as string, everyEpochs: 1, everySteps: 0 },
  create: (options) => checkpoint(options),
});
