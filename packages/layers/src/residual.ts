/**
 * The skip connection {@link Residual}.
 * @module
 */
import { ShapeError, ValueError, describe, formatShape, type Tensor } from '@descent/tensor';
import { Module, type AnyModule } from './module.js';

/** What a {@link Residual} wraps: a module from tensor to tensor, or a plain function (no parameters).
 * @example
 * ```ts
 * const body: ResidualBody = new Sequential(new Linear(8, 8, { rng }), new ReLU());
 * ```
 */
export type ResidualBody = Module<[Tensor], Tensor> | ((x: Tensor) => Tensor);

/**
 * A residual block `x + fn(x)` around a module (registered as the child `fn`, so its parameters,
 * freezing and state dict are the block's) or around a function.
 *
 * @throws ValueError when `fn` is neither a Module nor a function; at call time ShapeError when
 * `fn(x)` does not have x's shape.
 * @example
 * ```ts
 * import { Rng, randn } from '@descent/tensor';
 * import { Linear, ReLU, Residual, Sequential } from '@descent/layers';
 * const rng = new Rng(0);
 * const block = new Residual(new Sequential(new Linear(8, 8, { rng }), new ReLU()));
 * block.call(randn([4, 8], rng)).shape; // [4, 8]
 * ```
 */
export class Residual extends Module {
  readonly #fn: (x: Tensor) => Tensor;

  constructor(fn: ResidualBody) {
    super();
    if (fn instanceof Module) {
      const body = this.registerModule('fn', fn as AnyModule);
      this.#fn = (x) => body.call(x) as Tensor;
    } else if (typeof fn === 'function') {
      this.#fn = fn;
    } else {
      throw new ValueError(`Residual: fn must be a Module or a function (x) => Tensor, but got ${describe(fn)}`);
    }
  }

  /** `x + fn(x)`.
   * @example
   * ```ts
   * new Residual((x) => x.mul(2)).forward(tensor([1])).item(); // 3
   * ```
   */
  forward(x: Tensor): Tensor {
    const y = this.#fn(x);
    if (y.rank !== x.rank || y.shape.some((d, i) => d !== x.shape[i])) {
      throw new ShapeError(`Residual: the wrapped block must keep the input's shape ${formatShape(x.shape)}, but returned ${formatShape(y.shape)}`);
    }
    return x.add(y);
  }
}
