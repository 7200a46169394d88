/**
 * {@link Flatten}: merge a range of axes into one.
 * @module
 */
import { ValueError, describe, formatShape, type Tensor } from '@descent/tensor';
import { checkInput, checkOptions } from './checks.js';
import { Module } from './module.js';

/** Options of {@link Flatten} (PyTorch's `start_dim`/`end_dim`).
 * @example
 * ```ts
 * const o: FlattenOptions = { startDim: 1, endDim: -1 };
 * ```
 */
export interface FlattenOptions {
  /** First axis to merge. Default 1 (keep the batch axis). */
  startDim?: number;
  /** Last axis to merge (negative counts from the end). Default −1. */
  endDim?: number;
}

/**
 * Merges axes `startDim…endDim` into one, as PyTorch's `nn.Flatten`: `[N, C, H, W]` → `[N, C·H·W]` by default.
 *
 * @throws ValueError at call time when the axes are out of range or startDim > endDim.
 * @example
 * ```ts
 * import { zeros } from '@descent/tensor';
 * import { Flatten } from '@descent/layers';
 * new Flatten().call(zeros([2, 3, 4])).shape;                             // [2, 12]
 * new Flatten({ startDim: 0, endDim: 1 }).call(zeros([2, 3, 4])).shape;   // [6, 4]
 * ```
 */
export class Flatten extends Module {
  /** First merged axis. */
  readonly startDim: number;
  /** Last merged axis. */
  readonly endDim: number;

  constructor(options: FlattenOptions = {}) {
    super();
    const o = checkOptions(options, ['startDim', 'endDim'], 'Flatten');
    const { startDim = 1, endDim = -1 } = o as FlattenOptions;
    for (const [name, v] of [['startDim', startDim], ['endDim', endDim]] as const) {
      if (!Number.isInteger(v)) throw new ValueError(`Flatten: options.${name} must be an integer, but got ${describe(v)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** Merge the axes.
   * @example
   * ```ts
   * flatten.forward(zeros([2, 3, 4])).shape; // [2, 12]
   * ```
   */
  forward(x: Tensor): Tensor {
    const t = checkInput(x, 'Flatten');
    const rank = Math.max(t.rank, 1);
    const start = this.startDim < 0 ? this.startDim + rank : this.startDim;
    const end = this.endDim < 0 ? this.endDim + rank : this.endDim;
    if (start < 0 || start >= rank || end < 0 || end >= rank || start > end) {
      throw new ValueError(`Flatten: startDim=${this.startDim} and endDim=${this.endDim} must be axes of the input with startDim <= endDim, but the input has shape ${formatShape(t.shape)}`);
    }
    if (t.rank === 0) return t.reshape([1]);
    const merged = t.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
    return t.reshape([...t.shape.slice(0, start), merged, ...t.shape.slice(end + 1)]);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
