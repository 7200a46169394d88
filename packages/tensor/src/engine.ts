import { findBackend, getBackend, type Backend, type TensorInfo } from './backend.js';
import { KernelNotFoundError, SizeLimitError } from './errors.js';
import { formatShape } from './shape.js';
import { getKernel } from './kernel_registry.js';
import { Tensor } from './tensor.js';
import type { Attrs } from './types.js';

let gradEnabled = true;

/** Whether ops currently record the graph for backpropagation.
 * @example
 * ```ts
 * noGrad(() => isGradEnabled()); // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run `fn` without recording gradients (evaluation, parameter updates).
 * @example
 * ```ts
 * const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Move a tensor's data to `target` when it lives on another backend. */
function onBackend(t: Tensor, target: Backend): TensorInfo {
  if (t.handle.backend === target.name) return t;
  const values = findBackend(t.handle.backend).read(t.handle, t.shape, t.dtype).slice();
  return { shape: t.shape, dtype: t.dtype, handle: target.write(values, t.shape, t.dtype) };
}

/**
 * Run a kernel on the active backend (falling back to the CPU kernel when the backend has none),
 * and record the call for backpropagation when an input requires grad. Every op goes through here;
 * ops validate their arguments first, kernels trust them.
 *
 * @throws KernelNotFoundError when neither the active backend nor the CPU has the kernel.
 * @example
 * ```ts
 * const y = runKernel('Neg', { x });
 * ```
 */
export function runKernel(kernelName: string, inputs: Record<string, Tensor>, attrs: Attrs = {}): Tensor {
  let backend = getBackend();
  const active = backend.name;
  let config = getKernel(kernelName, backend.name);
  if (!config && backend.name !== 'cpu') {
    backend = findBackend('cpu');
    config = getKernel(kernelName, 'cpu');
  }
  if (!config) {
    const where = active === 'cpu' ? "the 'cpu' backend" : `backend '${active}' or the 'cpu' fallback`;
    throw new KernelNotFoundError(`runKernel: no kernel '${kernelName}' is registered for ${where}; a custom op needs registerKernel({ kernelName, backendName, kernelFunc }) first`);
  }
  const infos: Record<string, TensorInfo> = {};
  let needsGrad = false;
  for (const name in inputs) {
    const t = inputs[name]!;
    if (t.isDisposed) t.assertLive(`${kernelName} (input '${name}')`);
    infos[name] = onBackend(t, backend);
    if (t.requiresGrad) needsGrad = true;
  }
  let result: TensorInfo | TensorInfo[];
  try {
    result = config.kernelFunc({ inputs: infos, attrs, backend });
  } catch (e) {
    throw e instanceof SizeLimitError && e.message.startsWith(ALLOCATE) ? namedSizeError(e, kernelName, inputs) : e;
  }
  const info = Array.isArray(result) ? result[0]! : result;
  const out = new Tensor(info.handle, info.shape, info.dtype, config.outputAliases === undefined ? undefined : inputs[config.outputAliases]);
  if (needsGrad && gradEnabled) {
    out.requiresGrad = true;
    out.node = { kernelName, inputs, attrs, freed: false, versions: savedVersions(inputs, out) };
  }
  return out;
}

/** The versions of a recorded call's inputs and output, or null when all are 0 (see {@link GraphNode.versions}). */
function savedVersions(inputs: Record<string, Tensor>, out: Tensor): number[] | null {
  let allZero = out.version === 0;
  for (const name in inputs) if (inputs[name]!.version !== 0) allZero = false;
  if (allZero) return null;
  const versions: number[] = [];
  for (const name in inputs) versions.push(inputs[name]!.version);
  versions.push(out.version);
  return versions;
}

const ALLOCATE = 'allocate: ';

/** A kernel's output past the size limit, named by the kernel and its inputs' shapes. */
function namedSizeError(e: SizeLimitError, kernelName: string, inputs: Record<string, Tensor>): SizeLimitError {
  const shapes = Object.keys(inputs).map((name) => `${name} ${formatShape(inputs[name]!.shape)}`).join(', ');
  return new SizeLimitError(`${kernelName}${shapes ? ` (inputs ${shapes})` : ''}: the output${e.message.slice(ALLOCATE.length).replace(/^the tensor/, '')}`);
}

/** Wrap values already computed on a backend as a new leaf tensor.
 * @example
 * ```ts
 * const t = fromValues(new Float32Array([1, 2]), [2], 'float32');
 * ```
 */
export function fromValues(values: Float32Array | Float64Array, shape: readonly number[], dtype: 'float32' | 'float64'): Tensor {
  const backend = getBackend();
  return new Tensor(backend.write(values, shape, dtype), shape, dtype);
}
