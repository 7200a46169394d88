/**
 * {@link Dropout}: inverted dropout with masks from an explicit, seeded {@link Rng}.
 * @module
 */
import { ValueError, allocate, tensor, type Rng, type Tensor } from '@descent/tensor';
import { checkInput, checkOptions, checkRng } from './checks.js';
import { Module } from './module.js';

/** Options of {@link Dropout}.
 * @example
 * ```ts
 * const o: DropoutOptions = { rng: new Rng(1).split() };
 * ```
 */
export interface DropoutOptions {
  /** The generator the masks are drawn from (required; give each Dropout its own, e.g. `rng.split()`). */
  rng: Rng;
}

/**
 * Inverted dropout (Srivastava et al. 2014, https://jmlr.org/papers/v15/srivastava14a.html): in
 * training mode each element is zeroed with probability `p` and the survivors are scaled by
 * 1/(1−p), so the expected value is unchanged; in eval mode (`model.eval()`) it is the identity.
 *
 * The mask draws one `rng.uniform()` per element in row-major order (an element is dropped when the
 * draw is < p), so a run with the same seed drops the same elements.
 *
 * @throws ValueError `Dropout: p must be a number in [0, 1), but got 1.5` for p outside [0, 1), or
 * when `options.rng` is missing.
 * @example
 * ```ts
 * import { Rng, ones } from '@descent/tensor';
 * import { Dropout } from '@descent/layers';
 * const drop = new Dropout(0.5, { rng: new Rng(0) });
 * drop.call(ones([2, 4])).toArray();        // e.g. [[2, 0, 2, 2], [0, 0, 2, 0]]
 * drop.eval().call(ones([2, 4])).toArray(); // all ones
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  /** The generator masks are drawn from (advanced by every training-mode call). */
  readonly rng: Rng;

  constructor(p: number, options: DropoutOptions) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
      throw new ValueError(`Dropout: p must be a number in [0, 1), but got ${typeof p === 'number' ? p : JSON.stringify(p) ?? String(p)}`);
    }
    this.p = p;
    const o = checkOptions(options ?? {}, ['rng'], `Dropout(${p})`);
    this.rng = checkRng(o.rng, `Dropout(${p})`);
  }

  /** Zero elements with probability p and scale the rest by 1/(1−p) (training), or return x (eval).
   * @example
   * ```ts
   * drop.forward(x);
   * ```
   */
  forward(x: Tensor): Tensor {
    const t = checkInput(x, `Dropout(${this.p})`);
    if (!this.training || this.p === 0) return t;
    const scale = 1 / (1 - this.p);
    const mask = allocate(t.dtype, t.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() < this.p ? 0 : scale;
    return t.mul(tensor(mask, { shape: t.shape, dtype: t.dtype }));
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
