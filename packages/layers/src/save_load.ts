/**
 * Saving a model's state to a JSON file and loading it back ({@link saveState}, {@link loadState}),
 * written with the atomic file write ({@link writeFileAtomic}) that checkpoints share.
 *
 * File format (version 1):
 * ```json
 * { "format": "descent-state", "version": 1, "module": "Sequential",
 *   "tensors": { "0.weight": { "dtype": "float32", "shape": [2, 8], "data": "<base64 of the little-endian bytes>" }, … } }
 * ```
 * Values are exact (see {@link encodeTensor}); names keep the state dict's order.
 *
 * @example
 * ```ts
 * import { saveState, loadState } from '@descent/layers';
 * saveState(model, 'model.json');
 * loadState(freshModel, 'model.json'); // same weights, bit for bit
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import { StateError, describe, type Tensor } from '@descent/tensor';
import type { AnyModule } from './module.js';
import { decodeTensors, encodeTensors, type EncodedTensor } from './serialize.js';
import { writeFileAtomic } from './atomic_write.js';

export { writeFileAtomic };

/** The `format` field of a model state file.
 * @example
 * ```ts
 * JSON.parse(readFileSync('model.json', 'utf8')).format === STATE_FILE_FORMAT; // true
 * ```
 */
export const STATE_FILE_FORMAT = 'descent-state';

/** The `version` this code writes and reads.
 * @example
 * ```ts
 * STATE_FILE_VERSION; // 1
 * ```
 */
export const STATE_FILE_VERSION = 1;

/** The JSON content of a model state file.
 * @example
 * ```ts
 * const file: StateFile = JSON.parse(readFileSync('model.json', 'utf8'));
 * Object.keys(file.tensors); // ['0.weight', '0.bias', …]
 * ```
 */
export interface StateFile {
  /** Always {@link STATE_FILE_FORMAT}. */
  format: typeof STATE_FILE_FORMAT;
  /** The file format version ({@link STATE_FILE_VERSION}). */
  version: typeof STATE_FILE_VERSION;
  /** The class name of the saved root module (informative; not checked on load). */
  module: string;
  /** Every parameter and buffer by dotted name, in state-dict order. */
  tensors: Record<string, EncodedTensor>;
}

/** Build the JSON object of a state file for a model (what {@link saveState} writes).
 * @example
 * ```ts
 * const file = stateFileOf(model); // embed it in a larger checkpoint
 * ```
 */
export function stateFileOf(model: AnyModule): StateFile {
  if (model === null || typeof model !== 'object' || typeof (model as Partial<AnyModule>).stateDict !== 'function') {
    throw new StateError(`stateFileOf: model must be a Module (with stateDict()), but got ${describe(model)}`);
  }
  return { format: STATE_FILE_FORMAT, version: STATE_FILE_VERSION, module: model.constructor.name, tensors: encodeTensors(model.stateDict()) };
}

/**
 * Save every parameter and buffer of `model` to a JSON file at `path` (written atomically).
 *
 * @throws StateError when `model` is not a Module or the file cannot be written.
 * @example
 * ```ts
 * saveState(model, 'xor.json');
 * ```
 */
export function saveState(model: AnyModule, path: string): void {
  writeFileAtomic(path, JSON.stringify(stateFileOf(model)));
}

/** Check a parsed state file and decode its tensors (all malformed entries are reported together).
 * @param source names the file in error messages.
 * @throws StateError for a wrong format or version, or malformed entries.
 * @example
 * ```ts
 * const state = readStateFile(JSON.parse(text), 'model.json');
 * ```
 */
export function readStateFile(file: unknown, source = 'state'): Record<string, Tensor> {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    throw new StateError(`${source}: expected a descent state object, but got ${describe(file)}`);
  }
  const f = file as Partial<StateFile>;
  if (f.format !== STATE_FILE_FORMAT) {
    throw new StateError(`${source}: format must be '${STATE_FILE_FORMAT}', but got ${describe(f.format)}`);
  }
  if (f.version !== STATE_FILE_VERSION) {
    throw new StateError(`${source}: unsupported version ${describe(f.version)}; this code reads version ${STATE_FILE_VERSION}`);
  }
  try {
    return decodeTensors(f.tensors, 'tensors');
  } catch (e) {
    if (e instanceof StateError) throw new StateError(`${source}: ${e.message}`);
    throw e;
  }
}

/**
 * Load a state file written by {@link saveState} into `model`. The file is read, parsed and decoded,
 * then checked against the model as {@link Module.loadStateDict} does; any problem — a missing,
 * truncated or corrupt file, a wrong format or version, missing/unexpected/mis-shaped/mis-typed
 * entries — throws a StateError and leaves the model unchanged.
 *
 * @throws StateError on any problem, the model unchanged.
 * @example
 * ```ts
 * loadState(model, 'xor.json');
 * ```
 */
export function loadState(model: AnyModule, path: string): void {
  const where = `loadState('${path}')`;
  if (model === null || typeof model !== 'object' || typeof (model as Partial<AnyModule>).loadStateDict !== 'function') {
    throw new StateError(`${where}: model must be a Module (with loadStateDict()), but got ${describe(model)}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StateError(`${where}: cannot read the file${code === 'ENOENT' ? ': it does not exist' : `: ${(e as Error).message}`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StateError(`${where}: the file is not valid JSON (truncated or corrupt?): ${(e as Error).message}`);
  }
  const state = readStateFile(parsed, where);
  try {
    model.loadStateDict(state);
  } catch (e) {
    if (e instanceof StateError) throw new StateError(`${where}: ${e.message}`);
    throw e;
  }
}
