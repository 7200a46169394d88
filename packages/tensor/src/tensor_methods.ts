// Chainable methods on Tensor (x.add(y).relu().sum()): each is the free op of the same name.
// Installed here rather than in tensor.ts so the Tensor class does not import the ops (which import it).
import { backward, type BackwardOptions } from './autodiff.js';
import * as ops from './ops/index.js';
import type { TensorLike } from './ops/convert.js';
import type { CrossEntropyOptions } from './ops/nn.js';
import type { MatMulOptions } from './ops/matmul.js';
import type { ReduceOptions } from './ops/reduce.js';
import { Tensor } from './tensor.js';
import type { DType } from './types.js';

declare module './tensor.js' {
  interface Tensor {
    /** {@link add} */ add(b: TensorLike): Tensor;
    /** {@link sub} */ sub(b: TensorLike): Tensor;
    /** {@link mul} */ mul(b: TensorLike): Tensor;
    /** {@link div} */ div(b: TensorLike): Tensor;
    /** {@link pow} */ pow(exponent: TensorLike): Tensor;
    /** {@link square} */ square(): Tensor;
    /** {@link neg} */ neg(): Tensor;
    /** {@link maximum} */ maximum(b: TensorLike): Tensor;
    /** {@link minimum} */ minimum(b: TensorLike): Tensor;
    /** {@link clamp} */ clamp(min?: number, max?: number): Tensor;
    /** {@link exp} */ exp(): Tensor;
    /** {@link log} */ log(): Tensor;
    /** {@link log1p} */ log1p(): Tensor;
    /** {@link sqrt} */ sqrt(): Tensor;
    /** {@link abs} */ abs(): Tensor;
    /** {@link relu} */ relu(): Tensor;
    /** {@link sigmoid} */ sigmoid(): Tensor;
    /** {@link tanh} */ tanh(): Tensor;
    /** {@link softplus} */ softplus(): Tensor;
    /** {@link greater} */ greater(b: TensorLike): Tensor;
    /** {@link less} */ less(b: TensorLike): Tensor;
    /** {@link equal} */ equal(b: TensorLike): Tensor;
    /** {@link sum} */ sum(axis?: number | readonly number[], options?: ReduceOptions): Tensor;
    /** {@link mean} */ mean(axis?: number | readonly number[], options?: ReduceOptions): Tensor;
    /** {@link max} */ max(axis?: number | readonly number[], options?: ReduceOptions): Tensor;
    /** {@link min} */ min(axis?: number | readonly number[], options?: ReduceOptions): Tensor;
    /** {@link variance} */ variance(axis?: number | readonly number[], options?: ReduceOptions & { correction?: number }): Tensor;
    /** {@link matmul} */ matmul(b: Tensor, options?: MatMulOptions): Tensor;
    /** {@link reshape} */ reshape(shape: readonly number[]): Tensor;
    /** {@link flatten} */ flatten(): Tensor;
    /** {@link transpose} */ transpose(perm?: readonly number[]): Tensor;
    /** {@link broadcastTo} */ broadcastTo(shape: readonly number[]): Tensor;
    /** {@link slice} */ slice(begin: readonly number[], size?: readonly number[]): Tensor;
    /** {@link gatherRows} */ gatherRows(indices: ArrayLike<number>): Tensor;
    /** {@link softmax} */ softmax(axis?: number): Tensor;
    /** {@link logSoftmax} */ logSoftmax(axis?: number): Tensor;
    /** {@link cast} */ cast(dtype: DType): Tensor;
    /** {@link crossEntropy} */ crossEntropy(labels: ArrayLike<number> | Tensor, options?: CrossEntropyOptions): Tensor;
    /** {@link mse} */ mse(target: Tensor): Tensor;
    /** Backpropagate from this tensor into `.grad` of the leaves (see {@link backward}). */
    backward(options?: BackwardOptions): void;
  }
}

const methods = {
  add: ops.add, sub: ops.sub, mul: ops.mul, div: ops.div, pow: ops.pow, square: ops.square, neg: ops.neg,
  maximum: ops.maximum, minimum: ops.minimum, clamp: ops.clamp, exp: ops.exp, log: ops.log, log1p: ops.log1p,
  sqrt: ops.sqrt, abs: ops.abs, relu: ops.relu, sigmoid: ops.sigmoid, tanh: ops.tanh, softplus: ops.softplus,
  greater: ops.greater, less: ops.less, equal: ops.equal, sum: ops.sum, mean: ops.mean, max: ops.max, min: ops.min,
  variance: ops.variance, matmul: ops.matmul, reshape: ops.reshape, flatten: ops.flatten, transpose: ops.transpose,
  broadcastTo: ops.broadcastTo, slice: ops.slice, gatherRows: ops.gatherRows, softmax: ops.softmax,
  logSoftmax: ops.logSoftmax, cast: ops.cast, crossEntropy: ops.crossEntropy, mse: ops.mse, backward,
} as Record<string, (x: Tensor, ...rest: never[]) => unknown>;

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: never[]) { return fn(this, ...args); },
    writable: true,
    configurable: true,
  });
}
