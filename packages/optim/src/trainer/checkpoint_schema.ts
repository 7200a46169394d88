/**
 * The schema of a checkpoint body, checked as a whole before a resume touches anything: a file
 * whose checksum is valid but whose content is wrong (a field of the wrong type, an out-of-range
 * counter, an unknown stop reason, a history that is not an array…) is rejected with every problem
 * listed, and nothing is loaded.
 * @module
 */
import { StateError } from '@descent/tensor';
import { formatValue } from '../options.js';
import type { StopReason } from '../plugin_types.js';

/** Every stop reason a checkpoint may record.
 * @example
 * ```ts
 * STOP_REASONS.includes('earlyStopping'); // true
 * ```
 */
export const STOP_REASONS: readonly StopReason[] = ['epochs', 'earlyStopping', 'gradTolerance', 'callback'];

type Problems = string[];
type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** A field check: pushes a problem for `path` when `ok` is false. */
function want(problems: Problems, ok: boolean, path: string, expected: string, value: unknown): boolean {
  if (!ok) problems.push(`${path} must be ${expected}, but got ${formatValue(value, 80)}`);
  return ok;
}

function object(problems: Problems, v: unknown, path: string): v is Obj {
  return want(problems, isObject(v), path, 'an object', v);
}

function exactKeys(problems: Problems, o: Obj, path: string, keys: readonly string[], optional: readonly string[] = []): void {
  for (const k of keys) if (!(k in o)) problems.push(`${path}.${k} is missing`);
  for (const k of Object.keys(o)) if (!keys.includes(k) && !optional.includes(k)) problems.push(`${path} has an unknown field '${k}'`);
}

/** An `Rng` state: four unsigned 32-bit integers, not all zero. */
function rngState(problems: Problems, v: unknown, path: string): void {
  want(problems, Array.isArray(v) && v.length === 4 && v.every((w) => isCount(w) && w <= 0xffffffff) && v.some((w) => w !== 0),
    path, 'a generator state (four unsigned 32-bit integers, not all zero)', v);
}

function stringList(problems: Problems, v: unknown, path: string): void {
  want(problems, Array.isArray(v) && v.every((s) => typeof s === 'string'), path, 'a list of names', v);
}

function fingerprint(problems: Problems, f: unknown): f is Obj {
  if (!object(problems, f, 'fingerprint')) return false;
  exactKeys(problems, f, 'fingerprint', ['params', 'optimizer', 'scheduler', 'order', 'gradients', 'callbacks', 'batchSize', 'samples', 'stepsPerEpoch'], ['accumulateGradBatches']);
  if (want(problems, Array.isArray(f.params), 'fingerprint.params', 'an array', f.params)) {
    (f.params as unknown[]).forEach((p, i) => {
      const ok = isObject(p) && typeof p.name === 'string' && typeof p.dtype === 'string' && Array.isArray(p.shape) && p.shape.every((d) => isCount(d));
      want(problems, ok, `fingerprint.params[${i}]`, '{ name, shape, dtype }', p);
    });
  }
  want(problems, typeof f.optimizer === 'string', 'fingerprint.optimizer', 'a name', f.optimizer);
  want(problems, f.scheduler === null || typeof f.scheduler === 'string', 'fingerprint.scheduler', 'a name or null', f.scheduler);
  want(problems, typeof f.order === 'string', 'fingerprint.order', 'a name', f.order);
  stringList(problems, f.gradients, 'fingerprint.gradients');
  stringList(problems, f.callbacks, 'fingerprint.callbacks');
  for (const k of ['batchSize', 'samples', 'stepsPerEpoch'] as const) want(problems, isCount(f[k], 1), `fingerprint.${k}`, 'an integer ≥ 1', f[k]);
  if ('accumulateGradBatches' in f) want(problems, isCount(f.accumulateGradBatches, 1), 'fingerprint.accumulateGradBatches', 'an integer ≥ 1', f.accumulateGradBatches);
  return true;
}

function progress(problems: Problems, p: unknown, perEpoch: unknown): p is Obj {
  if (!object(problems, p, 'progress')) return false;
  exactKeys(problems, p, 'progress', ['epoch', 'batch', 'step', 'orderRng', 'stop']);
  const counts = ['epoch', 'batch', 'step'].map((k) => want(problems, isCount(p[k]), `progress.${k}`, 'an integer ≥ 0', p[k]));
  if (counts.every(Boolean) && isCount(perEpoch, 1)) {
    const [epoch, batch, step] = [p.epoch, p.batch, p.step] as number[];
    want(problems, batch! <= perEpoch, 'progress.batch', `at most the steps per epoch (${perEpoch})`, batch);
    want(problems, step === epoch! * perEpoch + batch!, 'progress.step', `epoch × steps per epoch + batch (${epoch! * perEpoch + batch!})`, step);
  }
  rngState(problems, p.orderRng, 'progress.orderRng');
  if (p.stop !== null && object(problems, p.stop, 'progress.stop')) {
    exactKeys(problems, p.stop, 'progress.stop', ['reason', 'message']);
    want(problems, STOP_REASONS.includes(p.stop.reason as StopReason), 'progress.stop.reason', `one of ${STOP_REASONS.join(', ')}`, p.stop.reason);
    want(problems, typeof p.stop.message === 'string', 'progress.stop.message', 'a string', p.stop.message);
  }
  return true;
}

function accumulator(problems: Problems, a: unknown): void {
  if (!object(problems, a, 'accumulator')) return;
  const counts = ['steps', 'samples', 'correct', 'counted'];
  const sums = ['lossSum', 'penaltySum', 'gradNormSum', 'lastLr'];
  exactKeys(problems, a, 'accumulator', [...counts, ...sums]);
  for (const k of counts) want(problems, isCount(a[k]), `accumulator.${k}`, 'an integer ≥ 0', a[k]);
  // NOTE: sums may be NaN or infinite (a run without the NaN guard; lastLr is NaN before the first step).
  for (const k of sums) want(problems, typeof a[k] === 'number', `accumulator.${k}`, 'a number', a[k]);
  if (isCount(a.correct) && isCount(a.counted)) want(problems, a.correct <= a.counted, 'accumulator.correct', `at most accumulator.counted (${a.counted})`, a.correct);
}

function history(problems: Problems, h: unknown, step: unknown): void {
  if (!object(problems, h, 'history')) return;
  exactKeys(problems, h, 'history', ['steps', 'epochs', 'stopReason', 'stopMessage']);
  for (const k of ['steps', 'epochs'] as const) {
    const list = h[k];
    if (!want(problems, Array.isArray(list), `history.${k}`, 'an array', list)) continue;
    const key = k === 'steps' ? 'step' : 'epoch';
    (list as unknown[]).forEach((r, i) => {
      if (problems.length < 20) want(problems, isObject(r) && isCount(r[key]) && isCount(r.epoch), `history.${k}[${i}]`, `a record with integer '${key}' and 'epoch'`, r);
    });
  }
  if (Array.isArray(h.steps) && isCount(step)) want(problems, h.steps.length <= step, 'history.steps', `at most progress.step (${step}) records`, `${h.steps.length} records`);
  want(problems, STOP_REASONS.includes(h.stopReason as StopReason), 'history.stopReason', `one of ${STOP_REASONS.join(', ')}`, h.stopReason);
  want(problems, typeof h.stopMessage === 'string', 'history.stopMessage', 'a string', h.stopMessage);
}

/**
 * Check a parsed checkpoint body against the `CheckpointBody` schema: every field present,
 * of its type and in its range, and no unknown field. (Whether it fits a trainer is checked
 * afterwards, against the trainer's fingerprint.)
 * @throws StateError listing every problem found (nothing has been loaded at that point).
 * @example
 * ```ts
 * checkCheckpointBody(JSON.parse(text), "checkpoint 'run/last.json'"); // throws when malformed
 * ```
 */
export function checkCheckpointBody(body: unknown, where: string): void {
  const problems: Problems = [];
  if (!isObject(body)) throw new StateError(`${where}: the body must be a checkpoint object, but got ${formatValue(body, 80)}`);
  exactKeys(problems, body, 'body', ['fingerprint', 'progress', 'accumulator', 'model', 'optimizer', 'scheduler', 'gradients', 'callbacks', 'history'], ['generators', 'plugins']);
  const f = fingerprint(problems, body.fingerprint) ? body.fingerprint as Obj : null;
  progress(problems, body.progress, f?.stepsPerEpoch);
  accumulator(problems, body.accumulator);
  object(problems, body.model, 'model');
  object(problems, body.optimizer, 'optimizer');
  want(problems, body.scheduler === null || isObject(body.scheduler), 'scheduler', 'an object or null', body.scheduler);
  if (f && body.scheduler !== undefined) {
    want(problems, (body.scheduler === null) === (f.scheduler === null), 'scheduler', f.scheduler === null ? 'null (the fingerprint names no scheduler)' : `the state of scheduler '${String(f.scheduler)}'`, body.scheduler);
  }
  if (want(problems, Array.isArray(body.gradients), 'gradients', 'an array (one state per gradient transform)', body.gradients) && f && Array.isArray(f.gradients)) {
    want(problems, (body.gradients as unknown[]).length === f.gradients.length, 'gradients', `${f.gradients.length} states (one per gradient transform)`, `${(body.gradients as unknown[]).length} states`);
  }
  if (want(problems, Array.isArray(body.callbacks), 'callbacks', 'an array of { name, state }', body.callbacks)) {
    const names = (body.callbacks as unknown[]).map((c, i) => (want(problems, isObject(c) && typeof c.name === 'string' && 'state' in c, `callbacks[${i}]`, '{ name, state }', c) ? (c as Obj).name : null));
    if (f && Array.isArray(f.callbacks)) want(problems, JSON.stringify(names) === JSON.stringify(f.callbacks), 'callbacks', `the states of ${formatValue(f.callbacks)} in that order`, names);
  }
  if (body.generators !== undefined && object(problems, body.generators, 'generators')) {
    for (const [name, s] of Object.entries(body.generators)) rngState(problems, s, `generators['${name}']`);
  }
  if (body.plugins !== undefined && want(problems, Array.isArray(body.plugins), 'plugins', 'an array of { name, state, generators }', body.plugins)) {
    (body.plugins as unknown[]).forEach((p, i) => {
      if (!want(problems, isObject(p) && typeof p.name === 'string' && 'state' in p && isObject(p.generators), `plugins[${i}]`, '{ name, state, generators }', p)) return;
      for (const [name, s] of Object.entries((p as Obj).generators as Obj)) rngState(problems, s, `plugins[${i}].generators['${name}']`);
    });
  }
  history(problems, body.history, isObject(body.progress) ? body.progress.step : undefined);
  if (problems.length) {
    throw new StateError(`${where}: the body does not match the checkpoint schema (nothing was loaded):\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
  }
}
