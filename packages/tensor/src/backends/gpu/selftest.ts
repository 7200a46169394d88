// The self-test a gpu backend runs at first use: a few kernels on small float32 inputs, compared
// with the CPU kernels. A driver that miscompiles a shader or loses precision is caught here, and
// the backend then reports itself unavailable instead of returning wrong numbers.
import type { TensorInfo } from '../../backend.js';
import { getKernel, type KernelConfig } from '../../kernel_registry.js';
import type { Attrs } from '../../types.js';
import { cpuBackend } from '../cpu/backend_cpu.js';
import type { GpuKernelHost } from './kernel_host.js';
import * as kernels from './kernels/index.js';

/** Relative (and absolute) tolerance of the self-test: float32 kernels against the CPU's.
 * @example
 * ```ts
 * Math.abs(gpu - cpu) <= SELF_TEST_TOLERANCE * Math.abs(cpu) + 1e-6; // the check, per element
 * ```
 */
export const SELF_TEST_TOLERANCE = 1e-4;

interface Case { kernel: KernelConfig; inputs: Record<string, [number[], number]>; attrs: Attrs }

/** Deterministic values in [−2, 2). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = (s / 2 ** 32) * 4 - 2; }
  return out;
}

const cases: Case[] = [
  { kernel: kernels.addConfig, inputs: { a: [[3, 5], 1], b: [[5], 2] }, attrs: {} },
  { kernel: kernels.expConfig, inputs: { x: [[7], 3] }, attrs: {} },
  { kernel: kernels.tanhConfig, inputs: { x: [[9], 4] }, attrs: {} },
  { kernel: kernels.matMulConfig, inputs: { a: [[5, 6], 5], b: [[3, 6], 6] }, attrs: { transposeA: false, transposeB: true } },
  { kernel: kernels.matMulConfig, inputs: { a: [[7, 3], 7], b: [[7, 9], 8] }, attrs: { transposeA: true, transposeB: false } },
  { kernel: kernels.sumConfig, inputs: { x: [[4, 6], 9] }, attrs: { axes: [1], keepDims: false } },
  { kernel: kernels.maxConfig, inputs: { x: [[4, 6], 10] }, attrs: { axes: [0], keepDims: true } },
  { kernel: kernels.softmaxConfig, inputs: { x: [[3, 7], 11] }, attrs: { axis: 1 } },
];

/**
 * Run the self-test on an initialised backend. Returns null when every kernel agrees with the CPU
 * within {@link SELF_TEST_TOLERANCE}, else a description of the first disagreement.
 *
 * @example
 * ```ts
 * const problem = runSelfTest(backend); // null
 * ```
 */
export function runSelfTest(backend: GpuKernelHost): string | null {
  for (const c of cases) {
    const gpuInputs: Record<string, TensorInfo> = {};
    const cpuInputs: Record<string, TensorInfo> = {};
    for (const [k, [shape, seed]] of Object.entries(c.inputs)) {
      const v = values(shape.reduce((p, d) => p * d, 1), seed);
      gpuInputs[k] = { shape, dtype: 'float32', handle: backend.write(v.slice(), shape, 'float32') };
      cpuInputs[k] = { shape, dtype: 'float32', handle: cpuBackend.write(v.slice(), shape, 'float32') };
    }
    const cpuKernel = getKernel(c.kernel.kernelName, 'cpu');
    if (!cpuKernel) continue;
    const g = c.kernel.kernelFunc({ inputs: gpuInputs, attrs: c.attrs, backend }) as TensorInfo;
    const e = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs: c.attrs, backend: cpuBackend }) as TensorInfo;
    const got = backend.hostValues(g.handle, g.shape);
    const want = cpuBackend.read(e.handle, e.shape, e.dtype);
    if (got.length !== want.length) return `${c.kernel.kernelName}: ${got.length} values, expected ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i]! - want[i]!);
      if (!(err <= SELF_TEST_TOLERANCE * Math.abs(want[i]!) + 1e-6)) {
        return `${c.kernel.kernelName} ${JSON.stringify(c.attrs)}: element ${i} is ${got[i]}, the CPU backend gives ${want[i]}`;
      }
    }
  }
  return null;
}
