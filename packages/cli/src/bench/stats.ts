/**
 * The statistics of the benchmark: mean, sample standard deviation, median, Student's t
 * distribution, and Welch's confidence interval for a difference of means.
 * @module
 */

/** Arithmetic mean (NaN for no values).
 * @example
 * ```ts
 * mean([1, 2, 3]); // 2
 * ```
 */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, v) => a + v, 0) / values.length;
}

/** Sample standard deviation (n − 1 in the denominator; 0 for one value, NaN for none).
 * @example
 * ```ts
 * std([1, 2, 3]); // 1
 * ```
 */
export function std(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  if (values.length === 1) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** Median (NaN for no values; Infinity counts as a value, so a median of mostly-unreached targets is Infinity).
 * @example
 * ```ts
 * median([3, 1, Infinity]); // 3
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 digits). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b).
 * @example
 * ```ts
 * incompleteBeta(0.5, 2, 2); // 0.5
 * ```
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Student's t cumulative distribution function with `df` degrees of freedom.
 * @example
 * ```ts
 * studentTCdf(0, 3); // 0.5
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p`-quantile of Student's t with `df` degrees of freedom (bisection on the CDF).
 * @example
 * ```ts
 * studentTQuantile(0.975, 10); // 2.228…
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Welch's confidence interval for mean(a) − mean(b).
 * @example
 * ```ts
 * const w: WelchInterval = welch([1, 2, 3], [2, 3, 4]);
 * ```
 */
export interface WelchInterval {
  /** mean(a) − mean(b). */
  readonly difference: number;
  /** The interval's bounds. */
  readonly interval: readonly [number, number];
  /** Welch–Satterthwaite degrees of freedom (Infinity when both variances are 0). */
  readonly df: number;
  /** Two-sided p-value of "no difference" (NaN when it cannot be computed). */
  readonly p: number;
}

/**
 * Welch's t interval of mean(a) − mean(b) at `level` (default 95%): unequal variances,
 * Welch–Satterthwaite degrees of freedom. Needs at least two values on each side; with both
 * variances 0 the interval is the difference itself.
 * @example
 * ```ts
 * welch([0.95, 0.96, 0.97], [0.90, 0.91, 0.92]).interval; // [0.0339…, 0.0660…]
 * ```
 */
export function welch(a: readonly number[], b: readonly number[], level = 0.95): WelchInterval | null {
  if (a.length < 2 || b.length < 2) return null;
  const difference = mean(a) - mean(b);
  const va = std(a) ** 2 / a.length, vb = std(b) ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { difference, interval: [difference, difference], df: Infinity, p: difference === 0 ? 1 : 0 };
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  const p = 2 * (1 - studentTCdf(Math.abs(difference) / se, df));
  return { difference, interval: [difference - half, difference + half], df, p };
}
