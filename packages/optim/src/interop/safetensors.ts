/**
 * Optimizer state as a safetensors file, next to the model's ({@link saveTorchStateDict} in
 * `@descent/layers`): the way to carry a run on in PyTorch, and back.
 *
 * Each state array that belongs to one parameter becomes the tensor `state.<i>.<name>` with the
 * parameter's shape, where `i` is the parameter's index over all groups (PyTorch's optimizer
 * `state_dict` keys) and `name` is PyTorch's name where there is one (`exp_avg`, `exp_avg_sq`,
 * `max_exp_avg_sq`, `momentum_buffer`, `sum`, `square_avg`, …), else `<transform>.<key>`.
 * The metadata holds `param_groups` (PyTorch's snake_case option names, `params` as indices),
 * `step`, and `descent_state`: descent's own state JSON with each array replaced by the name of
 * its tensor, so {@link loadOptimizerSafetensors} restores the optimizer bit for bit.
 *
 * @example
 * ```ts
 * saveOptimizerSafetensors(opt, 'optimizer.safetensors');
 * loadOptimizerSafetensors(freshOpt, 'optimizer.safetensors'); // same state, bit for bit
 * ```
 * @module
 */
import { loadSafetensors, saveSafetensors } from '@descent/layers';
import { StateError, describe, tensor, type Tensor } from '@descent/tensor';
import type { Optimizer } from '../optimizer.js';
import { encodeTaggedArray, decodeState } from '../optimizers/state.js';

/** descent's `<transform>.<key>` → PyTorch's optimizer state name, where PyTorch has the same buffer. */
const TORCH_STATE_NAMES: Record<string, string> = {
  'adam.m': 'exp_avg', 'adam.v': 'exp_avg_sq', 'adam.vmax': 'max_exp_avg_sq',
  'momentum.buf': 'momentum_buffer', 'adagrad.sum': 'sum', 'rms.v': 'square_avg', 'rms.gAvg': 'grad_avg',
  'adabound.m': 'exp_avg', 'adabound.v': 'exp_avg_sq', 'lion.m': 'exp_avg',
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface StateJson { step: number; groups: Array<{ options: Record<string, unknown>; params: Array<{ shape: number[] }>; state: Json }> }

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The optimizer's state as named tensors plus string metadata (what the file holds).
 * @example
 * ```ts
 * const { tensors, metadata } = optimizerStateTensors(opt);
 * Object.keys(tensors); // ['state.0.exp_avg', 'state.0.exp_avg_sq', …]
 * ```
 */
export function optimizerStateTensors(opt: Optimizer): {
  /** The state's tensors: `state.<param index>.<name>` per parameter (PyTorch's names where there is one, e.g. `exp_avg`), `extra.…` for the rest. */
  tensors: Record<string, Tensor>;
  /** `format`, `optimizer`, `step`, `param_groups` (PyTorch-style, JSON) and the full state as JSON with tensor references. */
  metadata: Record<string, string>;
} {
  if (opt === null || typeof opt !== 'object' || typeof (opt as Partial<Optimizer>).state !== 'function') {
    throw new StateError(`saveOptimizerSafetensors: optimizer must be an Optimizer, but got ${describe(opt)}`);
  }
  const saved = opt.state() as unknown as StateJson;
  const tensors: Record<string, Tensor> = {};
  let first = 0;
  const paramGroups = saved.groups.map((group) => {
    const indices = group.params.map((_, i) => first + i);
    const name = (path: string[], i: number | null): string => {
      const key = path.join('.');
      return i === null ? `${key}` : `state.${first + i}.${TORCH_STATE_NAMES[key] ?? key}`;
    };
    // Replace every typed array with the name of its tensor; arrays listed per parameter get its shape.
    const walk = (node: Json, path: string[]): Json => {
      if (Array.isArray(node)) {
        const perParam = node.length === group.params.length;
        return node.map((v, i) => (perParam && isTyped(v) ? toTensorRef(v, name(path, i), group.params[i]!.shape) : walk(v, [...path, String(i)])));
      }
      if (isTyped(node)) return toTensorRef(node, `extra.${first}.${path.join('.')}`, null);
      if (node !== null && typeof node === 'object') {
        const out: Record<string, Json> = {};
        for (const [k, v] of Object.entries(node)) out[k] = walk(v, [...path, k]);
        return out;
      }
      return node;
    };
    const toTensorRef = (v: Json, key: string, shape: number[] | null): Json => {
      const values = decodeState(v) as Float32Array | Float64Array;
      tensors[key] = tensor(values, { dtype: values instanceof Float64Array ? 'float64' : 'float32', shape: shape ?? [values.length] });
      return { $tensor: key };
    };
    group.state = walk(group.state, []);
    first += group.params.length;
    const options = Object.fromEntries(Object.entries(group.options).map(([k, v]) => [snake(k), v]));
    return { ...options, params: indices };
  });
  return {
    tensors,
    metadata: {
      format: 'descent-optimizer',
      optimizer: String((saved as unknown as { optimizer: string }).optimizer),
      step: String(saved.step),
      param_groups: JSON.stringify(paramGroups),
      descent_state: JSON.stringify(saved),
    },
  };
}

function isTyped(v: Json): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && '$typed' in v;
}

/** Write the optimizer's state as a safetensors file (atomically).
 * @example
 * ```ts
 * saveOptimizerSafetensors(opt, 'optimizer.safetensors');
 * ```
 */
export function saveOptimizerSafetensors(opt: Optimizer, path: string): void {
  const { tensors, metadata } = optimizerStateTensors(opt);
  saveSafetensors(path, tensors, metadata);
}

/** Restore an optimizer's state from a file written by {@link saveOptimizerSafetensors}: all or
 * nothing, with the same checks as `Optimizer.loadState`.
 * @throws StateError for a file that is not descent optimizer state or does not match the optimizer.
 * @example
 * ```ts
 * loadOptimizerSafetensors(opt, 'optimizer.safetensors');
 * ```
 */
export function loadOptimizerSafetensors(opt: Optimizer, path: string): void {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== 'descent-optimizer' || typeof metadata.descent_state !== 'string') {
    throw new StateError(`loadOptimizerSafetensors: '${path}' holds no descent optimizer state (metadata format ${describe(metadata.format)})`);
  }
  let saved: Json;
  try {
    saved = JSON.parse(metadata.descent_state) as Json;
  } catch (e) {
    throw new StateError(`loadOptimizerSafetensors: '${path}': descent_state is not valid JSON (${(e as Error).message})`);
  }
  const restore = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(restore);
    if (node !== null && typeof node === 'object') {
      if (typeof node.$tensor === 'string') {
        const t = tensors[node.$tensor];
        if (!t) throw new StateError(`loadOptimizerSafetensors: '${path}' has no tensor '${node.$tensor}' that its state names`);
        return encodeTaggedArray(t.data()) as unknown as Json;
      }
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, restore(v)]));
    }
    return node;
  };
  opt.loadState(restore(saved));
}
