// A minimal WebAssembly binary writer: just enough to build the CPU backend's SIMD kernels from
// TypeScript at load time (no toolchain, no install step, no .wasm file to ship).
// Reference: https://webassembly.github.io/spec/core/binary/ and the SIMD proposal's opcode table.

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const I64 = 0x7e;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) { out.push(byte); return out; }
    out.push(byte | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A local variable or parameter of a function under construction. */
export interface Local { readonly index: number; readonly type: ValType }

/**
 * The body of one function, written as a stack machine: each method appends one instruction and
 * returns `this`, so code reads in evaluation order. Loops and blocks take callbacks.
 */
export class FunctionBuilder {
  readonly params: Local[];
  private readonly localTypes: ValType[] = [];
  private readonly code: number[] = [];

  constructor(paramTypes: ValType[], readonly resultTypes: ValType[] = []) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** Declare a new local of `type`. */
  local(type: ValType): Local {
    const index = this.params.length + this.localTypes.length;
    this.localTypes.push(type);
    return { index, type };
  }

  private op(...bytes: number[]): this { this.code.push(...bytes); return this; }
  private simd(opcode: number, ...immediates: number[]): this { return this.op(0xfd, ...uleb(opcode), ...immediates); }
  private mem(align: number, offset: number): number[] { return [...uleb(align), ...uleb(offset)]; }

  get(l: Local): this { return this.op(0x20, ...uleb(l.index)); }
  set(l: Local): this { return this.op(0x21, ...uleb(l.index)); }
  tee(l: Local): this { return this.op(0x22, ...uleb(l.index)); }
  i32(value: number): this { return this.op(0x41, ...sleb(value)); }

  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i32DivS(): this { return this.op(0x6d); }
  i32GtS(): this { return this.op(0x4a); }
  i32Shl(): this { return this.op(0x74); }
  i32LtS(): this { return this.op(0x48); }
  i32GeS(): this { return this.op(0x4e); }
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }

  f32Load(offset = 0): this { return this.op(0x2a, ...this.mem(2, offset)); }
  i32Load(offset = 0): this { return this.op(0x28, ...this.mem(2, offset)); }
  i64Load(offset = 0): this { return this.op(0x29, ...this.mem(3, offset)); }
  /** The bits of an i32 as an f32, of an i64 as an f64. */
  f32ReinterpretI32(): this { return this.op(0xbe); }
  f64ReinterpretI64(): this { return this.op(0xbf); }
  /** The bits of an f32 as an i32, of an f64 as an i64. */
  i32ReinterpretF32(): this { return this.op(0xbc); }
  i64ReinterpretF64(): this { return this.op(0xbd); }
  f64Load(offset = 0): this { return this.op(0x2b, ...this.mem(3, offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ...this.mem(2, offset)); }
  f64Store(offset = 0): this { return this.op(0x39, ...this.mem(3, offset)); }
  f64Add(): this { return this.op(0xa0); }
  f64Sub(): this { return this.op(0xa1); }
  f64Mul(): this { return this.op(0xa2); }
  f64Div(): this { return this.op(0xa3); }
  f32Add(): this { return this.op(0x92); }
  i64Store(offset = 0): this { return this.op(0x37, ...this.mem(3, offset)); }
  i32Store(offset = 0): this { return this.op(0x36, ...this.mem(2, offset)); }
  /** Scalar comparisons: `a > b` and `a != b` (true for a NaN) as an i32 0 or 1. */
  f32Gt(): this { return this.op(0x5e); }
  f32Ne(): this { return this.op(0x5c); }
  f64Gt(): this { return this.op(0x64); }
  f64Ne(): this { return this.op(0x62); }
  /** An f32 or f64 constant. */
  f32(value: number): this { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, value, true); return this.op(0x43, ...new Uint8Array(d.buffer)); }
  f64(value: number): this { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, value, true); return this.op(0x44, ...new Uint8Array(d.buffer)); }
  f32DemoteF64(): this { return this.op(0xb6); }
  f64PromoteF32(): this { return this.op(0xbb); }

  v128Load(offset = 0): this { return this.simd(0x00, ...this.mem(4, offset)); }
  v128Load64Splat(offset = 0): this { return this.simd(0x0a, ...this.mem(3, offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, ...this.mem(4, offset)); }
  f64x2Splat(): this { return this.simd(0x14); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Div(): this { return this.simd(0xf3); }
  f64x2Sqrt(): this { return this.simd(0xef); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Neg(): this { return this.simd(0xed); }
  f64x2Abs(): this { return this.simd(0xec); }
  f64x2Min(): this { return this.simd(0xf4); }
  f64x2Max(): this { return this.simd(0xf5); }
  /** f32x4 lane-wise arithmetic (the f64x2 methods' float32 counterparts). */
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Neg(): this { return this.simd(0xe1); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  /** Pseudo-min/max `b < a ? b : a` / `a < b ? b : a`: one instruction on x64 (min/max need several for NaN and −0). */
  f64x2Pmin(): this { return this.simd(0xf6); }
  f64x2Pmax(): this { return this.simd(0xf7); }
  /** f64x2 round to nearest integer, ties to even. */
  f64x2Nearest(): this { return this.simd(0x94); }
  /** i64x2 shift left by an i32 count (taken from the stack). */
  i64x2Shl(): this { return this.simd(0xcb); }
  /** i32x4 (or f32x4) lanes picked from two vectors: lane j of the result is lane `lanes[j]` of a‖b
   * (0–3: a, 4–7: b), as i8x16.shuffle with the lanes' bytes. */
  shuffle32(lanes: readonly [number, number, number, number]): this {
    return this.simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
  }
  /** v128.load32_splat: one 4-byte float (or int) into all four lanes. */
  v128Load32Splat(offset = 0): this { return this.simd(0x09, ...this.mem(2, offset)); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** Lane-wise `a <= b` as an all-ones / all-zeros mask. */
  f32x4Le(): this { return this.simd(0x45); }
  /** Lane-wise `a <= b` on f64x2 as a mask. */
  f64x2Le(): this { return this.simd(0x4b); }
  /** `a & ~b`. */
  v128Andnot(): this { return this.simd(0x4f); }
  /** Relaxed SIMD `a·b + c` (fused or not, as the hardware prefers): only valid where the runtime has relaxed SIMD. */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }
  /** v128.const of sixteen zero bytes. */
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  /** v128.load64_zero: load 8 bytes into the low lane, zero the high one. */
  v128Load64Zero(offset = 0): this { return this.simd(0x5d, ...this.mem(3, offset)); }
  /** Two f32 lanes → two f64 lanes. */
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f); }
  /** Two f64 lanes → two f32 lanes (the upper two zero). */
  f32x4DemoteF64x2Zero(): this { return this.simd(0x5e); }
  /** Store lane `lane` (8 bytes) of a v128. */
  v128Store64Lane(lane: number, offset = 0): this { return this.simd(0x5b, ...this.mem(3, offset), lane); }

  /** memory.fill (bulk memory): `bytes` bytes from `address` set to `value`, all three i32 on the stack. */
  memoryFill(): this { return this.op(0xfc, 0x0b, 0x00); }
  /** memory.copy (bulk memory): `bytes` bytes from `source` to `target` (overlap allowed); target, source, bytes on the stack. */
  memoryCopy(): this { return this.op(0xfc, 0x0a, 0x00, 0x00); }

  drop(): this { return this.op(0x1a); }
  /** Call the module's function number `index` (its position among {@link ModuleBuilder.func} calls). */
  call(index: number): this { return this.op(0x10, ...uleb(index)); }
  /** `cond ? a : b` with a, b, cond on the stack (in that order). */
  select(): this { return this.op(0x1b); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }

  /** `if (cond) { then }` where the condition is on the stack. */
  if(then: () => void): this {
    this.op(0x04, 0x40);
    then();
    return this.op(0x0b);
  }

  /**
   * `for (i = start; i < end; i += step) body()`, with `start`/`end` pushed by callbacks. `end` is
   * evaluated once per iteration (keep it a local). The body runs at least zero times.
   */
  for(i: Local, start: () => void, end: () => void, step: number, body: () => void): this {
    start(); this.set(i);
    this.op(0x02, 0x40); // block
    this.get(i); end(); this.i32GeS(); this.brIf(0);
    this.op(0x03, 0x40); // loop
    body();
    this.get(i).i32(step).i32Add().tee(i);
    end(); this.i32LtS(); this.brIf(0);
    this.op(0x0b); // end loop
    return this.op(0x0b); // end block
  }

  /** Push min(a, b), or max(a, b), of i32 values without a branch (`select`). */
  i32MinMax(a: Local, b: Local | number, min: boolean): this {
    const pushB = () => (typeof b === 'number' ? this.i32(b) : this.get(b));
    this.get(a); pushB(); this.get(a); pushB();
    if (min) this.i32LtS(); else this.i32GtS();
    return this.select();
  }

  /** `local += delta` for an i32 local. */
  addTo(l: Local, delta: number | Local): this {
    this.get(l);
    if (typeof delta === 'number') this.i32(delta); else this.get(delta);
    return this.i32Add().set(l);
  }

  /** The encoded body: local declarations, code, end. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n!), t!]), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/**
 * A module of functions that share one imported memory (`env.memory`), each exported by name.
 * @example
 * ```ts
 * const m = new ModuleBuilder();
 * const f = m.func('add1', [I32], [I32]);
 * f.get(f.params[0]!).i32(1).i32Add();
 * const bytes = m.encode();
 * ```
 */
export class ModuleBuilder {
  private readonly funcs: Array<{ name: string; builder: FunctionBuilder }> = [];

  /** `sharedMaxPages`: import a shared memory (a SharedArrayBuffer that worker threads can use too)
   * of at most this many 64 KiB pages, instead of an ordinary one. */
  constructor(private readonly sharedMaxPages?: number) {}

  /** The index of the function added under `name` (for {@link FunctionBuilder.call}). */
  indexOf(name: string): number { return this.funcs.findIndex((f) => f.name === name); }

  /** Add an exported function and return its builder. */
  func(name: string, params: ValType[], results: ValType[] = []): FunctionBuilder {
    const builder = new FunctionBuilder(params, results);
    this.funcs.push({ name, builder });
    return builder;
  }

  /** The module as bytes. */
  encode(): Uint8Array<ArrayBuffer> {
    const types = this.funcs.map(({ builder }) => [0x60, ...vec(builder.params.map((p) => [p.type])), ...vec(builder.resultTypes.map((t) => [t]))]);
    const name = (s: string) => { const b = [...new TextEncoder().encode(s)]; return [...uleb(b.length), ...b]; };
    const bytes = [
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vec(types)),
      // memory: min 1 page; or shared (flag 3), min 1 page, max sharedMaxPages
      ...section(2, vec([[...name('env'), ...name('memory'), 0x02,
        ...(this.sharedMaxPages === undefined ? [0x00, 0x01] : [0x03, 0x01, ...uleb(this.sharedMaxPages)])]])),
      ...section(3, vec(this.funcs.map((_, i) => uleb(i)))),
      ...section(7, vec(this.funcs.map(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)]))),
      ...section(10, vec(this.funcs.map(({ builder }) => builder.encode()))),
    ];
    return new Uint8Array(bytes);
  }
}
