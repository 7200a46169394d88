import { ValueError } from './errors.js';

/** The serialisable state of an {@link Rng}: four unsigned 32-bit words.
 * @example
 * ```ts
 * const s: RngState = new Rng(1).getState();
 * ```
 */
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * The one source of randomness in descent: a seeded xoshiro128** generator. Initialisation,
 * dropout masks, shuffling and gradient noise all draw from an `Rng` (or from one split off it),
 * so a run with the same seed is reproducible bit for bit.
 *
 * `split()` returns a new, statistically independent generator and advances this one, in the spirit
 * of JAX/Optax keys: give each consumer its own stream so adding a consumer does not shift the others.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const initRng = rng.split();
 * const dropoutRng = rng.split();
 * initRng.uniform(); // a number in [0, 1)
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed any finite number; its integer part seeds the generator. */
  constructor(seed = 0) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new ValueError(`Rng: seed must be a finite number, but got ${String(seed)}`);
    }
    const mix = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
    this.s0 = mix(); this.s1 = mix(); this.s2 = mix(); this.s3 = mix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Build a generator from a state previously returned by {@link Rng.getState}.
   * @example
   * ```ts
   * const copy = Rng.fromState(rng.getState());
   * ```
   */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Next unsigned 32-bit integer.
   * @example
   * ```ts
   * new Rng(1).nextUint32(); // an integer in [0, 2^32)
   * ```
   */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits.
   * @example
   * ```ts
   * const u = new Rng(7).uniform();
   * ```
   */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box–Muller; two uniforms per draw, no cached value, so the state stays four words).
   * @example
   * ```ts
   * const z = new Rng(7).normal();
   * ```
   */
  normal(): number {
    const u1 = 1 - this.uniform(); // in (0, 1], so log never sees 0
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [0, n).
   * @example
   * ```ts
   * new Rng(3).int(10); // 0…9
   * ```
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`Rng.int: n must be a positive integer, but got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly random permutation of 0…n−1 (Fisher–Yates).
   * @example
   * ```ts
   * new Rng(0).permutation(5); // e.g. [3, 0, 4, 1, 2]
   * ```
   */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`Rng.permutation: n must be a non-negative integer, but got ${n}`);
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i]!; p[i] = p[j]!; p[j] = t;
    }
    return p;
  }

  /** A new independent generator; advances this one by four draws.
   * @example
   * ```ts
   * const [a, b] = [rng.split(), rng.split()];
   * ```
   */
  split(): Rng {
    const child = new Rng(0);
    const mix = splitmix32(this.nextUint32() ^ 0x5bd1e995);
    child.s0 = (mix() ^ this.nextUint32()) >>> 0;
    child.s1 = (mix() ^ this.nextUint32()) >>> 0;
    child.s2 = (mix() ^ this.nextUint32()) >>> 0;
    child.s3 = mix();
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    return child;
  }

  /** The current state, to save in a checkpoint.
   * @example
   * ```ts
   * const saved = rng.getState(); rng.uniform(); rng.setState(saved);
   * ```
   */
  getState(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Restore a state from {@link Rng.getState}.
   * @example
   * ```ts
   * rng.setState([1, 2, 3, 4]);
   * ```
   */
  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new ValueError(`Rng.setState: state must be four unsigned 32-bit integers, but got ${JSON.stringify(state)}`);
    }
    if (state.every((w) => w === 0)) throw new ValueError('Rng.setState: state must not be all zeros');
    [this.s0, this.s1, this.s2, this.s3] = state;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
