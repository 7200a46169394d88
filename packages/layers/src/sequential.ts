/**
 * {@link Sequential}: layers applied one after another.
 * @module
 */
import { ValueError, describe, type Tensor } from '@descent/tensor';
import { Module } from './module.js';

/** A module that maps one tensor to one tensor (what {@link Sequential} chains).
 * @example
 * ```ts
 * const layer: TensorModule = new ReLU();
 * ```
 */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Chains modules: `call(x)` feeds `x` through each layer in order. Layers are children named
 * `'0'`, `'1'`, …, so parameter names read `'0.weight'`, `'2.bias'` as in PyTorch.
 *
 * @throws ValueError when a layer is not a Module.
 * @example
 * ```ts
 * import { Rng, tensor } from '@descent/tensor';
 * import { Sequential, Linear, ReLU } from '@descent/layers';
 * const rng = new Rng(0);
 * const mlp = new Sequential(new Linear(2, 8, { rng }), new ReLU(), new Linear(8, 1, { rng }));
 * mlp.call(tensor([[0, 1]])).shape;                 // [1, 1]
 * mlp.namedParameters().map(([name]) => name);      // ['0.weight', '0.bias', '2.weight', '2.bias']
 * ```
 */
export class Sequential extends Module {
  #layers: TensorModule[] = [];

  constructor(...layers: TensorModule[]) {
    super();
    layers.forEach((layer) => this.append(layer));
  }

  /** Add a layer at the end (named by its index). Returns this.
   * @example
   * ```ts
   * mlp.append(new Sigmoid());
   * ```
   */
  append(layer: TensorModule): this {
    const i = this.#layers.length;
    if (!(layer instanceof Module)) throw new ValueError(`Sequential: layers[${i}] must be a Module, but got ${describe(layer)}`);
    this.registerModule(String(i), layer);
    this.#layers.push(layer);
    return this;
  }

  /** Number of layers.
   * @example
   * ```ts
   * new Sequential(new ReLU(), new Tanh()).length; // 2
   * ```
   */
  get length(): number {
    return this.#layers.length;
  }

  /** The layer at `index` (negative counts from the end).
   * @throws ValueError when out of range.
   * @example
   * ```ts
   * (mlp.at(0) as Linear).weight;
   * ```
   */
  at(index: number): TensorModule {
    const i = Number.isInteger(index) && index < 0 ? index + this.#layers.length : index;
    const layer = Number.isInteger(i) ? this.#layers[i] : undefined;
    if (!layer) throw new ValueError(`Sequential.at: index must be an integer in [${-this.#layers.length}, ${this.#layers.length - 1}], but got ${describe(index)}`);
    return layer;
  }

  /** Iterate over the layers in order.
   * @example
   * ```ts
   * for (const layer of mlp) console.log(String(layer));
   * ```
   */
  [Symbol.iterator](): Iterator<TensorModule> {
    return this.#layers[Symbol.iterator]();
  }

  /** Apply every layer in order.
   * @example
   * ```ts
   * mlp.forward(x);
   * ```
   */
  forward(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.#layers) out = layer.call(out);
    return out;
  }
}
