// Source-generation helpers for gpu.js kernels. Kernels are generated as JavaScript source strings
// (never as functions: tsx/esbuild would transpile a function before gpu.js parses it) with every
// shape baked in as a literal, so each distinct shape compiles once and loops have constant bounds.
//
// NOTE: index arithmetic is done in float32-exact integers (below 2^24); a division is followed by a
// correction step because GPU division is not correctly rounded.

/** Largest element count a gpu kernel handles (float32 integers are exact below 2^24); bigger falls back to the CPU. */
export const MAX_GPU_ELEMENTS = 1 << 24;

/** Longest loop a generated kernel runs in one `for` (Mesa llvmpipe silently stops at 65535). */
export const MAX_LOOP = 4096;

/** A finite number as a source literal (non-finite values have no portable shader literal).
 * @example
 * ```ts
 * lit(-2.5); // '(-2.5)'
 * ```
 */
export function lit(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`lit: ${n} has no shader literal`);
  const s = Object.is(n, -0) ? '0' : String(n);
  return n < 0 ? `(${s})` : s;
}

/** Statements setting `q = floor(src / d)` and `r = src − q·d` exactly for a non-negative integer `src`.
 * @example
 * ```ts
 * divmod('i', 4, 'q', 'r');
 * ```
 */
export function divmod(src: string, d: number, q: string, r: string): string {
  if (d === 1) return `let ${q} = ${src}; let ${r} = 0;`;
  return `let ${q} = Math.floor((${src} + 0.5) / ${d}); let ${r} = ${src} - ${q} * ${d};`
    + ` if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + ${d}; }`
    + ` if (${r} >= ${d}) { ${q} = ${q} + 1; ${r} = ${r} - ${d}; }`;
}

/** Row-major strides of a shape. */
export function contiguousStrides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let k = dims.length - 1; k >= 0; k--) { s[k] = acc; acc *= dims[k]!; }
  return s;
}

/** A strided view of several inputs over one output shape, with axes merged where every input allows. */
export interface StridedPlan {
  dims: number[];
  strides: number[][];
}

/**
 * Drop size-1 axes and merge neighbouring axes that every input walks contiguously (or broadcasts
 * along both), so `[2,3,4] + [4]` becomes dims `[6,4]`, strides `[[4,1],[0,1]]`.
 * @example
 * ```ts
 * mergeAxes([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { dims: [6, 4], strides: [[4, 1], [0, 1]] }
 * ```
 */
export function mergeAxes(dims: readonly number[], strides: readonly (readonly number[])[]): StridedPlan {
  const keep = dims.map((d, k) => k).filter((k) => dims[k] !== 1);
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const k of keep) {
    const last = outDims.length - 1;
    if (last >= 0 && strides.every((s, j) => outStrides[j]![last] === s[k]! * dims[k]!)) {
      outDims[last] = outDims[last]! * dims[k]!;
      strides.forEach((s, j) => { outStrides[j]![last] = s[k]!; });
    } else {
      outDims.push(dims[k]!);
      strides.forEach((s, j) => outStrides[j]!.push(s[k]!));
    }
  }
  return { dims: outDims, strides: outStrides };
}

/**
 * Statements decomposing the flat index `i` over `dims` into coordinate variables `c0…` (only the
 * ones some offset uses), and one offset expression per stride vector (plus its base).
 * @example
 * ```ts
 * const { code, offsets } = gatherOffsets('i', [6, 4], [[4, 1], [0, 1]], [0, 0]); // offsets ['i', 'c1']
 * ```
 */
export function gatherOffsets(i: string, dims: readonly number[], strides: readonly (readonly number[])[], bases: readonly number[]): { code: string; offsets: string[]; coords: string[] } {
  const contiguous = contiguousStrides(dims);
  const rank = dims.length;
  const needed = new Array<boolean>(rank).fill(false);
  const plain = strides.map((s) => s.every((v, k) => v === contiguous[k]));
  strides.forEach((s, j) => { if (!plain[j]) s.forEach((v, k) => { if (v !== 0) needed[k] = true; }); });
  let code = '';
  const coords = dims.map((_, k) => `c${k}`);
  // `needed` marks coordinates some offset uses; every axis after the first needed one is peeled
  // peel axes from the last; c0 is what remains
  let rest = i;
  let first = -1;
  for (let k = 0; k < rank; k++) if (needed[k]) { first = k; break; }
  for (let k = rank - 1; k > first && first >= 0; k--) {
    const q = `t${k}`;
    code += divmod(rest, dims[k]!, q, `c${k}`) + '\n';
    rest = q;
  }
  if (first === 0) code += `const c0 = ${rest};\n`;
  else if (first > 0) code += divmod(rest, dims[first]!, `t${first}`, `c${first}`) + '\n';
  const offsets = strides.map((s, j) => {
    const base = bases[j] ?? 0;
    if (plain[j]) return base ? `(${i} + ${base})` : i;
    const terms = s.map((v, k) => (v === 0 ? '' : v === 1 ? `c${k}` : `c${k} * ${v}`)).filter(Boolean);
    if (base) terms.push(String(base));
    return terms.length ? `(${terms.join(' + ')})` : '0';
  });
  return { code, offsets, coords };
}

/** Broadcast strides of an input shape viewed at `outShape` (0 along broadcast axes).
 * @example
 * ```ts
 * broadcastStrides([3], [2, 3]); // [0, 1]
 * ```
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, ax) => (ax < lead || shape[ax - lead] === 1 ? 0 : own[ax - lead]!));
}

/**
 * A loop over `[0, n)` as nested loops of at most {@link MAX_LOOP} iterations each (a `for` with a
 * constant bound, split so no GPU driver cuts it short), binding `index` inside `body`.
 * @example
 * ```ts
 * chunkedLoop('r', 100000, 'acc = acc + x[r];');
 * ```
 */
export function chunkedLoop(index: string, n: number, body: string, from = 0): string {
  if (n - from <= 0) return '';
  if (n <= MAX_LOOP) return `for (let ${index} = ${from}; ${index} < ${n}; ${index}++) {\n${body}\n}`;
  const chunks = Math.ceil(n / MAX_LOOP);
  const guard = n % MAX_LOOP !== 0 || from > 0;
  const cond = [from > 0 ? `${index} >= ${from}` : '', n % MAX_LOOP !== 0 ? `${index} < ${n}` : ''].filter(Boolean).join(' && ');
  return `for (let ${index}_c = 0; ${index}_c < ${chunks}; ${index}_c++) {\n`
    + `for (let ${index}_k = 0; ${index}_k < ${MAX_LOOP}; ${index}_k++) {\n`
    + `const ${index} = ${index}_c * ${MAX_LOOP} + ${index}_k;\n`
    + (guard ? `if (${cond}) {\n${body}\n}\n` : `${body}\n`)
    + '}\n}';
}

/** Wrap an expression or a statement body (one containing `return`) as a kernel body tail.
 * @example
 * ```ts
 * bodyOf('a + b'); // 'return (a + b);'
 * ```
 */
export function bodyOf(expression: string): string {
  return /\breturn\b/.test(expression) ? expression : `return (${expression});`;
}
