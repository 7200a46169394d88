/**
 * Modular addition as a sequence task: the p² problems `a b =` with the answer `a + b mod p`
 * (Power et al., 2022, "Grokking"), generated in a seeded order.
 * @module
 */
import { ValueError, tensor, type Rng } from '@descent/tensor';
import type { LabelledData } from './types.js';

/**
 * Every problem `a b =` for a, b in 0 … p − 1, as token ids `[p², 3]` (the `=` token is p) with the
 * labels `(a + b) mod p`, shuffled by `rng` (Fisher–Yates on `rng.uniform()`). Split the rows
 * with {@link takeRows}.
 * @throws ValueError when p is not an integer ≥ 2.
 * @example
 * ```ts
 * const all = modularAddition(23, new Rng(0));
 * all.x.shape; // [529, 3]
 * ```
 */
export function modularAddition(p: number, rng: Rng): LabelledData {
  if (!Number.isInteger(p) || p < 2) throw new ValueError(`modularAddition: p must be an integer ≥ 2, but got ${String(p)}`);
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) pairs.push([a, b]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  return { x: tensor(pairs.map(([a, b]) => [a, b, p])), y: pairs.map(([a, b]) => (a + b) % p) };
}
