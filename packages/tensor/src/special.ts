// Special functions on plain numbers, accurate to a few ulp in float64: the error function behind
// the Erf kernel (and so the exact GELU of @descent/layers), and the standard normal CDF.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

// erf(z) for 0 ≤ z < 2 by the series (2/√π)·e^(−z²)·Σ 2ⁿz^(2n+1)/(1·3·…·(2n+1)): every term is
// positive, so there is no cancellation.
function erfSeries(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= (2 * z2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-z2) * sum;
}

// erfc(z) for z ≥ 2 by the continued fraction e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))),
// evaluated with the modified Lentz method.
function erfcFraction(z: number): number {
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-z * z)) / f;
}

/** The complementary error function `erfc(x) = 1 − erf(x)`, accurate in relative terms for large x.
 * @example
 * ```ts
 * erfc(0); // 1
 * erfc(3); // 2.209049699858544e-5
 * ```
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  return erfcFraction(x);
}

/** The error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`.
 * @example
 * ```ts
 * erf(0.5); // 0.5204998778130465
 * ```
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x < 1) return erfSeries(x);
  return 1 - erfc(x);
}

/** The standard normal CDF `Φ(x) = ½·erfc(−x/√2)`.
 * @example
 * ```ts
 * normalCdf(0); // 0.5
 * ```
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
