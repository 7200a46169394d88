/**
 * Checkpoints of a run: what a checkpoint holds (model, optimizer, scheduler, plugins' states and
 * generators, history, where the run stands), writing the requested ones, and resuming from one
 * so that the run continues bit for bit.
 * @module
 */
import { StateError, type RngState } from '@descent/tensor';
import { decodeSnapshot, encodeSnapshot, restoreModel, snapshotModel } from '../model.js';
import type { OptimizerStateDict } from '../optimizer.js';
import { formatValue } from '../options.js';
import type { PluginState } from '../plugin_types.js';
import type { SchedulerState } from '../schedulers/types.js';
import {
  emptyAccumulator, fingerprintMismatches, readCheckpoint, writeCheckpoint,
  type CheckpointBody, type CheckpointFingerprint, type CheckpointProgress,
} from './checkpoint.js';
import type { TrainerParts } from './config.js';
import { ownedPlugin, pluginMismatches, restorePlugins, savePlugins, type OwnedPlugin, type SavedPlugin } from './plugin_state.js';
import type { Run } from './run.js';

/** The plugins that own something for checkpoints: orders, regularizers and constraints with a
 * `state()`, and every plugin (gradient transforms, callbacks and the scheduler too, whose
 * `state()` is saved in their own fields) holding a generator as a property. */
export function ownedPlugins(parts: TrainerParts, run: Run): OwnedPlugin[] {
  return [
    ownedPlugin(parts.order, true),
    ...parts.regularizers.map((r) => ownedPlugin(r, true)),
    ...parts.constraints.map((c) => ownedPlugin(c, true)),
    ...parts.gradients.map((g) => ownedPlugin(g, false)),
    ...parts.callbacks.map((c) => ownedPlugin(c, false)),
    ...(run.scheduler ? [ownedPlugin(run.scheduler, false)] : []),
  ].filter((p) => p.hooks !== null || p.generators.length > 0); // NOTE: only those with something to save (a progress bar comes and goes with the terminal)
}

function fingerprint(parts: TrainerParts, run: Run): CheckpointFingerprint {
  return {
    params: parts.params.map((p) => ({ name: p.name, shape: p.tensor.shape.slice(), dtype: p.tensor.dtype })),
    optimizer: parts.optimizer.name,
    scheduler: run.scheduler?.name ?? null,
    order: parts.order.name,
    gradients: parts.gradients.map((g) => g.name),
    callbacks: parts.callbacks.filter((c) => c.state).map((c) => c.name),
    batchSize: parts.batchSize,
    samples: run.n,
    stepsPerEpoch: run.stepsPerEpoch,
    accumulateGradBatches: parts.accumulateGradBatches,
  };
}

export function flushCheckpoints(parts: TrainerParts, run: Run): void {
  if (run.pendingCheckpoints.length === 0) return;
  const paths = [...new Set(run.pendingCheckpoints)];
  run.pendingCheckpoints = [];
  const progress: CheckpointProgress = {
    epoch: run.epoch, batch: run.step - run.epoch * run.stepsPerEpoch, step: run.step, orderRng: run.epochStartRng, stop: run.stop,
  };
  // The checkpoint holds the evaluation parameters (Schedule-Free's x); the optimizer state then
  // carries the training values, restored on resume.
  const body: CheckpointBody = inEvalMode(parts, () => ({
    fingerprint: fingerprint(parts, run),
    progress,
    accumulator: { ...run.acc },
    model: encodeSnapshot(snapshotModel(parts.model)),
    optimizer: parts.optimizer.state(),
    scheduler: run.scheduler ? run.scheduler.state() : null,
    gradients: parts.gradients.map((g) => (g.state ? g.state() : null)),
    callbacks: parts.callbacks.filter((c) => c.state).map((c) => ({ name: c.name, state: c.state!() })),
    history: run.history,
    generators: Object.fromEntries(run.generators.map(([name, g]) => [name, g.getState()])),
    plugins: savePlugins(run.plugins),
  }));
  for (const p of paths) writeCheckpoint(p, body);
}

/** Run `fn` with the optimizer in evaluation mode (`Optimizer.evalMode`), then back in training mode. */
function inEvalMode<T>(parts: TrainerParts, fn: () => T): T {
  const switched = parts.optimizer.evalMode();
  try {
    return fn();
  } finally {
    if (switched) parts.optimizer.trainMode();
  }
}

/** Load a checkpoint into the trainer's objects: everything is checked first, and a failure
 * part-way restores what was already loaded, so a bad checkpoint changes nothing. */
export function resumeRun(parts: TrainerParts, run: Run, path: string): void {
  const { body } = readCheckpoint(path);
  const mismatches = fingerprintMismatches(body.fingerprint, fingerprint(parts, run));
  if (mismatches.length) throw new StateError(`checkpoint '${path}' does not match this trainer (nothing was loaded):\n  ${mismatches.join('\n  ')}`);
  const p = body.progress; // NOTE: in range for this run: readCheckpoint checked it against the fingerprint, which matches.
  const generators = body.generators ?? {};
  const names = run.generators.map(([name]) => name);
  if (JSON.stringify(Object.keys(generators)) !== JSON.stringify(names)) {
    throw new StateError(`checkpoint '${path}' does not match this trainer (nothing was loaded): the model's random generators are ${formatValue(names)}, but the checkpoint saved ${formatValue(Object.keys(generators))}`);
  }
  // NOTE: a file written before plugin states were saved has none: it fits only plugins that keep nothing.
  const plugins = body.plugins ?? run.plugins.map((pl) => ({ name: pl.name, state: null, generators: {} }));
  const pluginProblems = pluginMismatches(plugins, run.plugins);
  if (pluginProblems.length) throw new StateError(`checkpoint '${path}' does not match this trainer (nothing was loaded):\n  ${pluginProblems.join('\n  ')}`);
  const model = decodeSnapshot(body.model, `checkpoint '${path}' model`);
  const stateful = parts.callbacks.filter((c) => c.state);
  const saved = {
    model: snapshotModel(parts.model),
    optimizer: parts.optimizer.state(),
    scheduler: run.scheduler?.state() ?? null,
    gradients: parts.gradients.map((g) => (g.state ? g.state() : null)),
    callbacks: stateful.map((c) => c.state!()),
    orderRng: parts.orderRng.getState(),
    generators: run.generators.map(([, g]) => g.getState()),
    plugins: savePlugins(run.plugins),
  };
  const apply = (s: {
    model: ReturnType<typeof snapshotModel>; optimizer: OptimizerStateDict; scheduler: SchedulerState | null;
    gradients: PluginState[]; callbacks: PluginState[]; orderRng: RngState; generators: RngState[]; plugins: SavedPlugin[];
  }) => {
    restoreModel(parts.model, s.model);
    parts.optimizer.loadState(s.optimizer);
    if (run.scheduler) run.scheduler.loadState(s.scheduler ?? {});
    parts.gradients.forEach((g, i) => { if (g.loadState) g.loadState(s.gradients[i]!); });
    stateful.forEach((c, i) => c.loadState?.(s.callbacks[i]!));
    parts.orderRng.setState(s.orderRng);
    run.generators.forEach(([, g], i) => g.setState(s.generators[i]!));
    restorePlugins(s.plugins, run.plugins);
  };
  try {
    apply({ model, optimizer: body.optimizer, scheduler: body.scheduler, gradients: body.gradients, callbacks: body.callbacks.map((c) => c.state), orderRng: p.orderRng, generators: names.map((n) => generators[n]!), plugins });
  } catch (e) {
    apply(saved);
    throw new StateError(`checkpoint '${path}' could not be loaded (nothing was changed): ${(e as Error).message}`);
  }
  parts.optimizer.trainMode(); // a checkpoint is written in evaluation mode
  run.epoch = p.epoch;
  run.step = p.step;
  run.epochStartRng = p.orderRng;
  run.acc = { ...emptyAccumulator(), ...body.accumulator };
  run.stop = p.stop;
  run.resumed = true;
  run.history.steps.push(...body.history.steps);
  run.history.epochs.push(...body.history.epochs);
}
