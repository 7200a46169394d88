/**
 * `@descent/tensor`: tensors on `ndarray` with reverse-mode autodiff, a kernel registry keyed by
 * (kernel, backend), a gradient registry keyed by kernel, and a backend registry with the CPU
 * backend always present.
 *
 * @example
 * ```ts
 * import { tensor, Rng, randn, relu, matmul } from '@descent/tensor';
 * const rng = new Rng(0);
 * const x = randn([4, 3], rng, { dtype: 'float64' });
 * const W = randn([3, 2], rng, { dtype: 'float64' }).requireGrad();
 * const b = randn([2], rng, { dtype: 'float64' }).requireGrad();
 * const loss = relu(matmul(x, W).add(b)).sum();
 * loss.backward();
 * console.log(W.grad!.toArray(), b.grad!.toArray());
 * ```
 * @module
 */
export * from './base.js';
import './tensor_methods.js';
import './backends/cpu/register.js';
import './gradients/register.js';
