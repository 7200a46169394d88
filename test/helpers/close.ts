import { expect } from 'chai';
import type { Tensor } from '@descent/tensor';

/** Assert two lists of numbers agree to `rel` relative (and `abs` absolute) tolerance, naming the first bad index. */
export function expectClose(actual: ArrayLike<number> | Tensor, expected: ArrayLike<number>, rel = 1e-9, abs = 1e-12): void {
  const a = 'buffer' in (actual as object) ? (actual as Tensor).data() : (actual as ArrayLike<number>);
  expect(a.length, 'length').to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(a[i]! - expected[i]!);
    if (!(err <= abs || err <= rel * Math.abs(expected[i]!)) && !(Number.isNaN(a[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`index ${i}: expected ${expected[i]}, got ${a[i]} (|diff| ${err})`);
    }
  }
}
