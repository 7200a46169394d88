// The public API without side effects (no backend or kernel registered): for custom builds.
export * from './autodiff.js';
export * from './backend.js';
export * from './engine.js';
export * from './errors.js';
export * from './kernel_names.js';
export * from './kernel_registry.js';
export * from './ops/index.js';
export * from './options.js';
export * from './random.js';
export * from './shape.js';
export { Tensor, type GraphNode } from './tensor.js';
export * from './types.js';
export * from './storage.js';
export * from './encoding.js';
export { cpuBackend, type CpuBackend, type CpuHandle } from './backends/cpu/backend_cpu.js';
export type { MatmulKernel } from './backends/cpu/matmul.js';
export { createAdamSimd, type AdamSimdKernel } from './backends/cpu/wasm/adam_simd.js';
export { compileElementwiseSimd, type ElementwiseExpr, type ElementwiseProgram, type ElementwiseSimdKernel, type ElementwiseStatement } from './backends/cpu/wasm/elementwise_simd.js';
