// "Did you mean" hints for misspelt names (commands, config fields, layers, optimizers).

/** Levenshtein distance (for "did you mean" hints). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** The candidate closest to `name` (case and `_`/`-` ignored) within 2 edits, if any.
 * @example
 * ```ts
 * closest('epoch', ['epochs', 'seed']); // 'epochs'
 * ```
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  let best: string | undefined, bestD = 3;
  for (const c of candidates) {
    const dd = distance(norm(name), norm(c));
    if (dd < bestD) { best = c; bestD = dd; }
  }
  return best;
}
