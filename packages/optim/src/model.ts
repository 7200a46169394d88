/**
 * Helpers over {@link TrainableModel}: calling it, naming its parameters, and exact snapshots of
 * its state (parameters and buffers) that can be restored in place.
 * @module
 */
import { ConfigError, StateError, Tensor, ValueError, tensor, type DType, type TypedArray } from '@descent/tensor';
import { decodeTypedArray, encodeTypedArray, type EncodedTensor } from '@descent/layers';
import type { NamedParameter, TrainableModel } from './plugin_types.js';

/** Run the model's forward pass (`call` when it has one, else `forward`).
 * @throws ConfigError when the model has neither, ValueError when it does not return a Tensor.
 * @example
 * ```ts
 * const logits = callModel(model, x);
 * ```
 */
export function callModel(model: TrainableModel, x: Tensor): Tensor {
  const out = typeof model.call === 'function' ? model.call(x) : typeof model.forward === 'function' ? model.forward(x) : undefined;
  if (out === undefined && typeof model.call !== 'function' && typeof model.forward !== 'function') {
    throw new ConfigError('model: expected an object with a call(x) or forward(x) method (e.g. a @descent/layers Module)');
  }
  if (!(out instanceof Tensor)) throw new ValueError(`model: the forward pass must return a Tensor, but returned ${typeof out}`);
  return out;
}

/** Check the parts of a model the trainer uses.
 * @throws ConfigError naming the missing method.
 * @example
 * ```ts
 * checkModel(model, 'Trainer');
 * ```
 */
export function checkModel(model: unknown, where: string): TrainableModel {
  const m = model as Partial<TrainableModel> | null;
  if (m === null || typeof m !== 'object') throw new ConfigError(`${where}: model must be an object (e.g. a @descent/layers Module), but got ${String(model)}`);
  if (typeof m.parameters !== 'function') throw new ConfigError(`${where}: model must have a parameters() method`);
  if (typeof m.call !== 'function' && typeof m.forward !== 'function') throw new ConfigError(`${where}: model must have a call(x) or forward(x) method`);
  return m as TrainableModel;
}

/** A model for the state helpers: an object with `parameters()` (forward is not needed). */
function checkHasParameters(model: unknown, where: string): void {
  if (model === null || typeof model !== 'object' || typeof (model as Partial<TrainableModel>).parameters !== 'function') {
    throw new ConfigError(`${where}: model must be an object with a parameters() method (e.g. a @descent/layers Module), but got ${model === null ? 'null' : typeof model}`);
  }
}

/** The model's parameters with names (`namedParameters()` when present, else `'0'`, `'1'`, …).
 * @example
 * ```ts
 * namedParametersOf(model).map((p) => p.name); // ['fc1.weight', 'fc1.bias', …]
 * ```
 */
export function namedParametersOf(model: TrainableModel): NamedParameter[] {
  checkHasParameters(model, 'namedParametersOf');
  if (typeof model.namedParameters === 'function') {
    return model.namedParameters().map(([name, t]) => ({ name, tensor: t }));
  }
  return model.parameters().map((t, i) => ({ name: String(i), tensor: t }));
}

/** An exact copy of a model's state: every state-dict entry (or parameter) by name.
 * @example
 * ```ts
 * const snap: ModelSnapshot = snapshotModel(model);
 * ```
 */
export type ModelSnapshot = Map<string, {
  /** The tensor's shape. */ shape: number[];
  /** A copy of its values, row-major, in its dtype. */ values: TypedArray }>;

/** The live tensors that make up the model's state, by name (parameters, plus buffers when the
 * model is a Module with buffers). */
function stateTensors(model: TrainableModel): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const { name, tensor: t } of namedParametersOf(model)) out.set(name, t);
  const withBuffers = model as TrainableModel & { namedBuffers?: () => Array<[string, Tensor]> };
  if (typeof withBuffers.namedBuffers === 'function') {
    for (const [name, t] of withBuffers.namedBuffers()) if (!out.has(name)) out.set(name, t);
  }
  return out;
}

/**
 * Copy the model's state (parameters and buffers) so it can be restored exactly later.
 * @example
 * ```ts
 * const before = snapshotModel(model);
 * // … train …
 * restoreModel(model, before);
 * ```
 */
export function snapshotModel(model: TrainableModel): ModelSnapshot {
  checkHasParameters(model, 'snapshotModel');
  const snap: ModelSnapshot = new Map();
  if (typeof model.stateDict === 'function') {
    for (const [name, t] of Object.entries(model.stateDict())) snap.set(name, { shape: t.shape.slice(), values: t.data() });
    // NOTE: parameters missing from the state dict (a model with a partial stateDict) are kept too.
    for (const [name, t] of stateTensors(model)) if (!snap.has(name)) snap.set(name, { shape: t.shape.slice(), values: t.data() });
    return snap;
  }
  for (const [name, t] of stateTensors(model)) snap.set(name, { shape: t.shape.slice(), values: t.data() });
  return snap;
}

/**
 * Write a snapshot back into the model in place (the same tensor objects get the old values, so an
 * optimizer holding them is unaffected). Everything is checked before anything is written.
 * @throws StateError when a name is missing or a shape or dtype differs (nothing is changed).
 * @example
 * ```ts
 * restoreModel(model, snapshotModel(model)); // no-op
 * ```
 */
export function restoreModel(model: TrainableModel, snap: ModelSnapshot): void {
  checkHasParameters(model, 'restoreModel');
  if (!(snap instanceof Map)) throw new StateError(`restoreModel: snap must be a snapshot from snapshotModel() (a Map), but got ${snap === null ? 'null' : typeof snap}`);
  const live = stateTensors(model);
  const viaStateDict = typeof model.stateDict === 'function' && typeof model.loadStateDict === 'function';
  const sdNames = viaStateDict ? new Set(Object.keys(model.stateDict!())) : new Set<string>();
  const problems: string[] = [];
  for (const [name, entry] of snap) {
    const t = live.get(name);
    if (!t && !sdNames.has(name)) { problems.push(`'${name}' is not in the model`); continue; }
    if (t && (t.shape.length !== entry.shape.length || t.shape.some((d, i) => d !== entry.shape[i]) || t.size !== entry.values.length)) {
      problems.push(`'${name}' has shape [${t.shape.join(',')}] in the model but [${entry.shape.join(',')}] in the snapshot`);
    }
    if (t && (t.dtype === 'float64') !== (entry.values instanceof Float64Array)) problems.push(`'${name}' has dtype ${t.dtype} in the model but not in the snapshot`);
  }
  for (const name of live.keys()) if (!snap.has(name)) problems.push(`'${name}' is missing from the snapshot`);
  if (problems.length) throw new StateError(`restoreModel: the snapshot does not match the model (nothing was restored): ${problems.join('; ')}`);
  if (viaStateDict) {
    const sd: Record<string, Tensor> = {};
    for (const [name, entry] of snap) if (sdNames.has(name)) sd[name] = tensor(entry.values.slice(), { shape: entry.shape, dtype: entry.values instanceof Float64Array ? 'float64' : 'float32' });
    model.loadStateDict!(sd);
    for (const [name, entry] of snap) if (!sdNames.has(name)) live.get(name)!.assign(entry.values);
    return;
  }
  for (const [name, entry] of snap) live.get(name)!.assign(entry.values);
}

/** Whether two snapshots hold bit-identical values (NaN payloads aside, compared with `Object.is`).
 * @example
 * ```ts
 * snapshotsEqual(snapshotModel(a), snapshotModel(b)); // true for equal weights
 * ```
 */
export function snapshotsEqual(a: ModelSnapshot, b: ModelSnapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [name, ea] of a) {
    const eb = b.get(name);
    if (!eb || ea.values.length !== eb.values.length || ea.values.constructor !== eb.values.constructor) return false;
    for (let i = 0; i < ea.values.length; i++) if (!Object.is(ea.values[i], eb.values[i])) return false;
  }
  return true;
}

/** A snapshot as JSON: per name, dtype, shape and exact bytes (`@descent/layers`' encoding).
 * @example
 * ```ts
 * const json = JSON.stringify(encodeSnapshot(snapshotModel(model)));
 * ```
 */
export function encodeSnapshot(snap: ModelSnapshot): Record<string, EncodedTensor> {
  const out: Record<string, EncodedTensor> = {};
  for (const [name, { shape, values }] of snap) {
    out[name] = { dtype: values instanceof Float64Array ? 'float64' : 'float32', shape: shape.slice(), data: encodeTypedArray(values) };
  }
  return out;
}

/** Decode what {@link encodeSnapshot} produced.
 * @throws StateError for a malformed entry.
 * @example
 * ```ts
 * restoreModel(model, decodeSnapshot(JSON.parse(json)));
 * ```
 */
export function decodeSnapshot(encoded: unknown, what = 'model'): ModelSnapshot {
  if (encoded === null || typeof encoded !== 'object' || Array.isArray(encoded)) throw new StateError(`${what}: expected an object of encoded tensors, but got ${JSON.stringify(encoded)?.slice(0, 80)}`);
  const snap: ModelSnapshot = new Map();
  for (const [name, e] of Object.entries(encoded as Record<string, unknown>)) {
    const t = e as Partial<EncodedTensor> | null;
    if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new StateError(`${what}: entry '${name}' must be { dtype, shape, data }, but got ${JSON.stringify(e)?.slice(0, 80)}`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    snap.set(name, { shape: t.shape.slice(), values: decodeTypedArray(t.data as string, t.dtype as DType, size, `${what} entry '${name}'`) });
  }
  return snap;
}

/** The number of samples of a data set's inputs, with a clear error for a scalar.
 * @throws ValueError when `x` is not a Tensor with at least one axis.
 * @example
 * ```ts
 * sampleCount(zeros([30, 4]), 'fit'); // 30
 * ```
 */
export function sampleCount(x: unknown, where: string): number {
  if (!(x instanceof Tensor)) throw new ValueError(`${where}: x must be a Tensor whose first axis is the samples, but got ${typeof x}`);
  if (x.rank === 0) throw new ValueError(`${where}: x must have a sample axis, but got a scalar`);
  return x.shape[0]!;
}
