/**
 * {@link takeRows}: a contiguous range of a data set's samples.
 * @module
 */
import { ValueError } from '@descent/tensor';
import type { LabelledData } from './types.js';

/**
 * Rows `from … from + count − 1` of a data set (inputs and labels).
 * @throws ValueError when the range is not inside the data.
 * @example
 * ```ts
 * const head = takeRows(all, 0, 100);
 * ```
 */
export function takeRows(data: LabelledData, from: number, count: number): LabelledData {
  const n = data.y.length;
  if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 0 || from + count > n) {
    throw new ValueError(`takeRows: rows ${from} … ${from + count - 1} must lie within the data's ${n} rows`);
  }
  const idx = Array.from({ length: count }, (_, i) => from + i);
  return { x: data.x.gatherRows(idx), y: idx.map((i) => data.y[i]!) };
}
