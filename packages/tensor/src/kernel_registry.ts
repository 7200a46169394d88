import type { Backend, TensorInfo } from './backend.js';
import { RegistryError } from './errors.js';
import { checkOptions } from './options.js';
import type { Tensor } from './tensor.js';
import type { Attrs } from './types.js';

/** Arguments a kernel receives.
 * @example
 * ```ts
 * const fn: KernelFunc = ({ inputs, attrs, backend }) => …;
 * ```
 */
export interface KernelArgs {
  /** The inputs by name, already on `backend`. */
  inputs: Record<string, TensorInfo>;
  /** Attributes given by the op. */
  attrs: Attrs;
  /** The backend the kernel runs on. */
  backend: Backend;
}

/** A kernel: computes outputs from inputs on one backend. Never records gradients.
 * @example
 * ```ts
 * const neg: KernelFunc = ({ inputs, backend }) => …;
 * ```
 */
export type KernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];

/** Registers one kernel for one backend (tfjs-style `KernelConfig`).
 * @example
 * ```ts
 * registerKernel({ kernelName: 'Neg', backendName: 'cpu', kernelFunc: negCpu });
 * ```
 */
export interface KernelConfig {
  /** The kernel's name (a constant of `kernel_names.ts`). */
  kernelName: string;
  /** The backend it runs on. */
  backendName: string;
  /** The implementation. */
  kernelFunc: KernelFunc;
  /** The input whose storage the output shares (a view, as Reshape returns): the two then share one
   * version counter, so an in-place write through either is seen by a backward pass that saved the other. */
  outputAliases?: string;
}

/** What a gradient rule sees of the forward call.
 * @example
 * ```ts
 * gradFunc: (dy, { inputs, output, attrs }) => ({ x: () => mul(dy, output) })
 * ```
 */
export interface GradContext {
  /** The forward call's inputs by name. */
  inputs: Record<string, Tensor>;
  /** The forward call's output. */
  output: Tensor;
  /** The forward call's attributes. */
  attrs: Attrs;
}

/**
 * The backward rule of a kernel. `gradFunc` returns, per input name, a thunk computing that
 * input's gradient from `dy` with differentiable ops; the engine calls only the thunks of inputs
 * that need a gradient, and sums each result back to its input's shape when the forward op
 * broadcast (so rules never reduce broadcasts themselves).
 *
 * @example
 * ```ts
 * registerGradient({ kernelName: 'Mul', gradFunc: (dy, { inputs: { a, b } }) => ({ a: () => mul(dy, b), b: () => mul(dy, a) }) });
 * ```
 */
export interface GradConfig {
  /** The kernel this rule differentiates. */
  kernelName: string;
  /** Per input name, a thunk computing that input's gradient from `dy`. */
  gradFunc: (dy: Tensor, ctx: GradContext) => Record<string, () => Tensor>;
}

const kernels = new Map<string, KernelConfig>();
const gradients = new Map<string, GradConfig>();
const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** Register a kernel for a (kernel name, backend) pair.
 * @throws RegistryError when that pair is already registered and `replace` is not set.
 * @example
 * ```ts
 * registerKernel({ kernelName: 'Neg', backendName: 'cpu', kernelFunc });
 * ```
 */
export function registerKernel(config: KernelConfig, options: { replace?: boolean } = {}): void {
  const { replace = false } = checkOptions(options, { replace: 'boolean' }, 'registerKernel');
  const k = key(config.kernelName, config.backendName);
  if (kernels.has(k) && !replace) {
    throw new RegistryError(`registerKernel: the kernel '${config.kernelName}' for backend '${config.backendName}' is already registered; pass { replace: true } to replace it`);
  }
  kernels.set(k, config);
}

/** The kernel registered for (kernel name, backend), or undefined.
 * @example
 * ```ts
 * getKernel('Add', 'cpu')?.kernelFunc;
 * ```
 */
export function getKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  return kernels.get(key(kernelName, backendName));
}

/** Names of the kernels registered for a backend.
 * @example
 * ```ts
 * listKernels('cpu').includes('MatMul'); // true
 * ```
 */
export function listKernels(backendName: string): string[] {
  return [...kernels.values()].filter((c) => c.backendName === backendName).map((c) => c.kernelName).sort();
}

/** Register the gradient rule of a kernel.
 * @throws RegistryError when one is already registered and `replace` is not set.
 * @example
 * ```ts
 * registerGradient({ kernelName: 'Neg', gradFunc: (dy) => ({ x: () => neg(dy) }) });
 * ```
 */
export function registerGradient(config: GradConfig, options: { replace?: boolean } = {}): void {
  const { replace = false } = checkOptions(options, { replace: 'boolean' }, 'registerGradient');
  if (gradients.has(config.kernelName) && !replace) {
    throw new RegistryError(`registerGradient: a gradient for kernel '${config.kernelName}' is already registered; pass { replace: true } to replace it`);
  }
  gradients.set(config.kernelName, config);
}

/** The gradient rule of a kernel, or undefined.
 * @example
 * ```ts
 * getGradient('Mul')?.gradFunc;
 * ```
 */
export function getGradient(kernelName: string): GradConfig | undefined {
  return gradients.get(kernelName);
}

/** Names of every kernel with a registered gradient (the gradient check enumerates these).
 * @example
 * ```ts
 * listGradients(); // ['Abs', 'Add', …]
 * ```
 */
export function listGradients(): string[] {
  return [...gradients.keys()].sort();
}
