// A small elementwise program (statements over float32 arrays, scalars and temporaries) compiled
// to WebAssembly f64x2 SIMD: each lane evaluates the expressions in IEEE float64, in the order
// written, and rounds to float32 exactly where the program stores into an array or says `round`,
// as a JS loop over Float32Arrays computing in doubles with `Math.fround` at those points does,
// so the results are bitwise identical to such a loop. Arrays are copied through a small, fixed
// wasm memory in chunks, as the Adam kernel does. Where WebAssembly SIMD is missing, the compiler
// returns null.
import { F64, I32, ModuleBuilder, V128, type FunctionBuilder, type Local } from './assembler.js';

/** An expression of an {@link ElementwiseProgram}: float64 arithmetic on the current element.
 * @example
 * ```ts
 * const e: ElementwiseExpr = { op: 'mul', a: { op: 'scalar', index: 0 }, b: { op: 'array', index: 1 } };
 * ```
 */
export type ElementwiseExpr =
  | {
    /** A number literal. */ readonly op: 'num';
    /** Its value. */ readonly value: number }
  | {
    /** The current element of an array, a scalar of the call, or a temporary. */ readonly op: 'array' | 'scalar' | 'temp';
    /** Which one (0-based). */ readonly index: number }
  | {
    /** A binary operation (min/max as `Math.min`/`Math.max`). */ readonly op: 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max';
    /** The left operand. */ readonly a: ElementwiseExpr;
    /** The right operand. */ readonly b: ElementwiseExpr }
  | {
    /** A unary operation; `round` rounds to float32. */ readonly op: 'neg' | 'sqrt' | 'abs' | 'round';
    /** The operand. */ readonly a: ElementwiseExpr };

/** One statement of an {@link ElementwiseProgram}.
 * @example
 * ```ts
 * const s: ElementwiseStatement = { target: 'temp', index: 0, expr: { op: 'array', index: 1 } };
 * ```
 */
export interface ElementwiseStatement {
  /** Store into an array (rounded to float32) or set a float64 temporary. */
  readonly target: 'array' | 'temp';
  /** Which array or temporary. */
  readonly index: number;
  /** The value. */
  readonly expr: ElementwiseExpr;
}

/**
 * Statements run for every element i: `array k ← round(expr)` (a store, rounded to the array's
 * float32; later reads of array k see the stored value) or `temp k ← expr` (a float64 local).
 * `round` in an expression rounds to float32.
 * @example
 * ```ts
 * // a[i] ← a[i] + s0·b[i]
 * const axpy: ElementwiseProgram = { arrays: 2, scalars: 1, temps: 0, statements: [
 *   { target: 'array', index: 0, expr: { op: 'add', a: { op: 'array', index: 0 }, b: { op: 'mul', a: { op: 'scalar', index: 0 }, b: { op: 'array', index: 1 } } } },
 * ] };
 * ```
 */
export interface ElementwiseProgram {
  /** How many arrays the kernel takes (all of one length). */
  readonly arrays: number;
  /** How many scalars the kernel takes per call. */
  readonly scalars: number;
  /** How many float64 temporaries the statements use. */
  readonly temps: number;
  /** The statements, run in order for each element. */
  readonly statements: readonly ElementwiseStatement[];
}

/** Run a compiled program over float32 arrays of one length with the given scalars (in place).
 * @example
 * ```ts
 * const axpy: ElementwiseSimdKernel | null = compileElementwiseSimd(program);
 * axpy?.([a, b], [0.5]); // a ← a + 0.5·b
 * ```
 */
export type ElementwiseSimdKernel = (arrays: readonly Float32Array[], scalars: readonly number[]) => void;

/** Elements per chunk: at most 16 arrays of CHUNK float32 values (1 MiB) make the kernel's memory. */
const CHUNK = 16384;

function literals(e: ElementwiseExpr, out: number[]): void {
  if (e.op === 'num') { if (!out.some((v) => Object.is(v, e.value))) out.push(e.value); return; }
  if ('a' in e) literals(e.a, out);
  if ('b' in e) literals(e.b, out);
}

function emit(f: FunctionBuilder, program: ElementwiseProgram, scalarLocals: Local[], literalValues: number[], literalLocals: Local[]): void {
  const n = f.params[0]!;
  const i = f.local(I32), end = f.local(I32), tmp = f.local(V128);
  const current = Array.from({ length: program.arrays }, () => f.local(V128));
  const temps = Array.from({ length: program.temps }, () => f.local(V128));
  const offset = (k: number) => k * CHUNK * 4;
  // Arrays read before the first store to them in a statement are loaded at the top of the loop.
  const readFirst = new Set<number>();
  const stored = new Set<number>();
  const scan = (e: ElementwiseExpr): void => {
    if (e.op === 'array' && !stored.has(e.index)) readFirst.add(e.index);
    if ('a' in e) scan(e.a);
    if ('b' in e) scan(e.b);
  };
  for (const s of program.statements) { scan(s.expr); if (s.target === 'array') stored.add(s.index); }
  const expr = (e: ElementwiseExpr): void => {
    switch (e.op) {
      case 'num': f.get(literalLocals[literalValues.findIndex((v) => Object.is(v, e.value))]!); return;
      case 'array': f.get(current[e.index]!); return;
      case 'scalar': f.get(scalarLocals[e.index]!); return;
      case 'temp': f.get(temps[e.index]!); return;
      case 'add': expr(e.a); expr(e.b); f.f64x2Add(); return;
      case 'sub': expr(e.a); expr(e.b); f.f64x2Sub(); return;
      case 'mul': expr(e.a); expr(e.b); f.f64x2Mul(); return;
      case 'div': expr(e.a); expr(e.b); f.f64x2Div(); return;
      case 'min': expr(e.a); expr(e.b); f.f64x2Min(); return;
      case 'max': expr(e.a); expr(e.b); f.f64x2Max(); return;
      case 'neg': expr(e.a); f.f64x2Neg(); return;
      case 'abs': expr(e.a); f.f64x2Abs(); return;
      case 'sqrt': expr(e.a); f.f64x2Sqrt(); return;
      case 'round': expr(e.a); f.f32x4DemoteF64x2Zero().f64x2PromoteLowF32x4(); return;
    }
  };
  f.get(n).i32(4).i32Mul().set(end);
  f.for(i, () => f.i32(0), () => f.get(end), 8, () => {
    for (const k of readFirst) f.get(i).v128Load64Zero(offset(k)).f64x2PromoteLowF32x4().set(current[k]!);
    for (const s of program.statements) {
      expr(s.expr);
      if (s.target === 'temp') { f.set(temps[s.index]!); continue; }
      f.f32x4DemoteF64x2Zero().set(tmp);
      f.get(i).get(tmp).v128Store64Lane(0, offset(s.index));
      f.get(tmp).f64x2PromoteLowF32x4().set(current[s.index]!);
    }
  });
}

/**
 * Compile an {@link ElementwiseProgram} to a WebAssembly SIMD kernel over float32 arrays, bitwise
 * identical to the same statements as a JS loop in float64 with `Math.fround` at every array store
 * and `round`. Null where WebAssembly SIMD is unavailable or the program has more than 16 arrays.
 * @example
 * ```ts
 * const axpy = compileElementwiseSimd(program);
 * if (axpy) axpy([a, b], [0.5]); // a ← a + 0.5·b, in place
 * ```
 */
export function compileElementwiseSimd(program: ElementwiseProgram): ElementwiseSimdKernel | null {
  if (program.arrays < 1 || program.arrays > 16) return null;
  const literalValues: number[] = [];
  for (const s of program.statements) literals(s.expr, literalValues);
  let module: WebAssembly.Module;
  try {
    if (typeof WebAssembly !== 'object') return null;
    const m = new ModuleBuilder();
    const f = m.func('run', [I32, ...new Array<typeof F64>(program.scalars + literalValues.length).fill(F64)]);
    const splat = (p: Local) => { const l = f.local(V128); f.get(p).f64x2Splat().set(l); return l; };
    const scalarLocals = f.params.slice(1, 1 + program.scalars).map(splat);
    const literalLocals = f.params.slice(1 + program.scalars).map(splat);
    emit(f, program, scalarLocals, literalValues, literalLocals);
    const bytes = m.encode();
    if (!WebAssembly.validate(bytes)) return null;
    module = new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
  const written = [...new Set(program.statements.filter((s) => s.target === 'array').map((s) => s.index))];
  const pages = Math.ceil((program.arrays * CHUNK * 4) / 65536);
  let run: ((n: number, ...scalars: number[]) => void) | null = null;
  let views: Float32Array[] = [];
  return (arrays, scalars) => {
    if (run === null) {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      run = (new WebAssembly.Instance(module, { env: { memory } }).exports as { run: (n: number, ...s: number[]) => void }).run;
      views = Array.from({ length: program.arrays }, (_, k) => new Float32Array(memory.buffer, k * CHUNK * 4, CHUNK));
    }
    const args = [...scalars, ...literalValues];
    const n = arrays[0]!.length;
    for (let c = 0; c < n; c += CHUNK) {
      const len = Math.min(CHUNK, n - c), e = c + len;
      for (let k = 0; k < arrays.length; k++) {
        views[k]!.set(arrays[k]!.subarray(c, e));
        if (len & 1) views[k]![len] = 0; // an even count; the pad lane is discarded
      }
      run(len + (len & 1), ...args);
      for (const k of written) arrays[k]!.set(views[k]!.subarray(0, len), c);
    }
  };
}
