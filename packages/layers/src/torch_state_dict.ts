/**
 * A model's weights under PyTorch's `state_dict` names and layouts, and safetensors files of them:
 * the path from descent to PyTorch when a model outgrows descent, and back.
 *
 * Names: each dotted segment goes from camelCase to snake_case (`runningMean` → `running_mean`,
 * `0.weight` stays). Layouts: descent's {@link Linear} keeps its weight as `[in, out]` (`x·W`);
 * PyTorch's `nn.Linear` keeps `[out, in]`, so those weights are transposed on the way out and
 * back. Every other layer already uses PyTorch's layout. In Python:
 * ```python
 * from safetensors.torch import load_file
 * torch_model.load_state_dict(load_file('model.safetensors'))
 * ```
 *
 * @example
 * ```ts
 * saveTorchStateDict(model, 'model.safetensors');
 * loadTorchStateDict(otherModel, 'model.safetensors'); // same weights, bit for bit
 * ```
 * @module
 */
import { StateError, describe, tensor, transpose, type Tensor } from '@descent/tensor';
import { Linear } from './linear.js';
import type { AnyModule, StateDict } from './module.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

/** `runningMean` → `running_mean`, per dotted segment.
 * @example
 * ```ts
 * torchName('1.runningMean'); // '1.running_mean'
 * ```
 */
export function torchName(descentName: string): string {
  return descentName.split('.').map((s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join('.');
}

/** Names (descent's) of the entries PyTorch stores transposed: every Linear's weight. */
function transposedEntries(model: AnyModule): Set<string> {
  const out = new Set<string>();
  for (const [prefix, m] of model.namedModules()) if (m instanceof Linear) out.add(prefix ? `${prefix}.weight` : 'weight');
  return out;
}

function checkModel(model: unknown, where: string): asserts model is AnyModule {
  if (model === null || typeof model !== 'object' || typeof (model as Partial<AnyModule>).stateDict !== 'function') {
    throw new StateError(`${where}: model must be a Module, but got ${describe(model)}`);
  }
}

/** The model's parameters and buffers as PyTorch's `state_dict` would hold them (copies).
 * @example
 * ```ts
 * Object.keys(torchStateDict(new Sequential([new Linear(2, 3, { rng }), new BatchNorm1d(3)])));
 * // ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
 * ```
 */
export function torchStateDict(model: AnyModule): StateDict {
  checkModel(model, 'torchStateDict');
  const transposed = transposedEntries(model);
  const out: StateDict = {};
  for (const [name, t] of Object.entries(model.stateDict())) out[torchName(name)] = transposed.has(name) ? transpose(t) : t;
  return out;
}

/** Load a PyTorch-named state dict into the model (all or nothing, as `Module.loadStateDict`).
 * Tensors of another float dtype are converted to the model's.
 * @throws StateError listing every missing, unexpected or mis-shaped entry; the model is then unchanged.
 * @example
 * ```ts
 * loadTorchStateDictInto(model, torchStateDict(trained));
 * ```
 */
export function loadTorchStateDictInto(model: AnyModule, state: StateDict): void {
  checkModel(model, 'loadTorchStateDict');
  if (state === null || typeof state !== 'object') throw new StateError(`loadTorchStateDict: state must be an object of named tensors, but got ${describe(state)}`);
  const transposed = transposedEntries(model);
  const own = model.stateDict();
  const byTorchName = new Map(Object.keys(own).map((n) => [torchName(n), n]));
  const converted: StateDict = {};
  for (const [name, t] of Object.entries(state)) {
    const descentName = byTorchName.get(name) ?? name;
    const target = own[descentName];
    let value = t;
    if (target && value && typeof value === 'object' && typeof value.data === 'function') {
      if (transposed.has(descentName) && value.shape.length === 2) value = transpose(value);
      if (value.dtype !== target.dtype) value = tensor(value.data(), { dtype: target.dtype, shape: value.shape });
    }
    converted[descentName] = value;
  }
  model.loadStateDict(converted);
}

/** Write the model's weights as a safetensors file with PyTorch's names and layouts.
 * @example
 * ```ts
 * saveTorchStateDict(model, 'model.safetensors'); // Python: model.load_state_dict(load_file(...))
 * ```
 */
export function saveTorchStateDict(model: AnyModule, path: string): void {
  saveSafetensors(path, torchStateDict(model), { format: 'pt', producer: 'descent' });
}

/** Read a safetensors file of a PyTorch `state_dict` (as `safetensors.torch.save_file` writes it,
 * or {@link saveTorchStateDict}) into the model, all or nothing.
 * @throws StateError for a malformed file or a state that does not match the model.
 * @example
 * ```ts
 * loadTorchStateDict(model, 'from_pytorch.safetensors');
 * ```
 */
export function loadTorchStateDict(model: AnyModule, path: string): void {
  loadTorchStateDictInto(model, loadSafetensors(path).tensors);
}
