// batch_norm.ts's per-channel loops in scalar WebAssembly over tensors in the tensor heap. Every loop
// is the JS loop's: the same float64 operations in the same order, the same partial sums (four for
// Σx and Σ(x − m)², two each for Σdy·(x − m) and Σdy), float32 values widened on load and rounded once
// on store; so the results are bitwise identical to the JS loops, which run on ordinary arrays. A JS
// loop over a typed array costs ~1–1.5 ns an element here; BatchNorm2d's forward and backward read
// each activation about nine times.
import { F64, I32, type FunctionBuilder, type Local, type ModuleBuilder } from './assembler.js';
import { floatViewsInHeap, heapModule } from './heap_module.js';
import type { TypedArray } from '../../../types.js';

/** The loops, on byte offsets into the heap, for one dtype. */
export interface BatchNormKernels {
  sum: (x: number, N: number, C: number, S: number, c: number) => number;
  squaredDeviation: (x: number, N: number, C: number, S: number, c: number, m: number) => number;
  paramsGrad: (x: number, dy: number, N: number, C: number, S: number, c: number, m: number) => [number, number];
  normalize: (x: number, out: number, N: number, C: number, S: number, c: number, m: number, scale: number, g: number, b: number) => void;
  inputGrad: (x: number, dy: number, dx: number, N: number, C: number, S: number, c: number, m: number, scale: number, g: number, dyMean: number, dyXhatMean: number) => void;
}

/** Emits a loop over n that hands each run [start, end) of channel c's S elements (byte offsets
 * from the array's start) to `run`. */
function forEachRun(f: FunctionBuilder, N: Local, C: Local, S: Local, c: Local, shift: number, run: (start: Local, end: Local) => void): void {
  const [n, start, end] = [f.local(I32), f.local(I32), f.local(I32)];
  f.for(n, () => f.i32(0), () => f.get(N), 1, () => {
    f.get(n).get(C).i32Mul().get(c).i32Add().get(S).i32Mul().i32(shift).i32Shl().set(start);
    f.get(start).get(S).i32(shift).i32Shl().i32Add().set(end);
    run(start, end);
  });
}

function emitFor(m: ModuleBuilder, wide: boolean): void {
  const shift = wide ? 3 : 2, elem = 1 << shift, suffix = wide ? '64' : '32';
  // load the element at byte address base + i + k·elem as a float64
  const load = (f: FunctionBuilder, base: Local, i: Local, k = 0) => {
    f.get(base).get(i).i32Add();
    if (wide) f.f64Load(k * elem); else f.f32Load(k * elem).f64PromoteF32();
  };
  const store = (f: FunctionBuilder) => { if (wide) f.f64Store(); else f.f32DemoteF64().f32Store(); };
  const fourF64 = (f: FunctionBuilder) => Array.from({ length: 4 }, () => f.local(F64));
  const i32s = (k: number) => new Array<typeof I32>(k).fill(I32);

  /** Σ over channel c of term(k) with `width` partial sums (elements ≡ k mod width), remainder into the first. */
  const partialSums = (f: FunctionBuilder, N: Local, C: Local, S: Local, c: Local, width: number, sums: Local[], term: (i: Local, k: number, sum: Local) => void) => {
    const [i, end4] = [f.local(I32), f.local(I32)];
    forEachRun(f, N, C, S, c, shift, (start, end) => {
      f.get(end).i32((width - 1) * elem).i32Sub().set(end4);
      f.for(i, () => f.get(start), () => f.get(end4), width * elem, () => {
        for (let k = 0; k < width; k++) term(i, k, sums[k]!);
      });
      f.for(i, () => f.get(i), () => f.get(end), elem, () => term(i, 0, sums[0]!));
    });
  };

  {
    const f = m.func(`sum${suffix}`, i32s(5), [F64]);
    const [x, N, C, S, c] = f.params as [Local, Local, Local, Local, Local];
    const s = fourF64(f);
    partialSums(f, N, C, S, c, 4, s, (i, k, acc) => { f.get(acc); load(f, x, i, k); f.f64Add().set(acc); });
    f.get(s[0]!).get(s[1]!).f64Add().get(s[2]!).get(s[3]!).f64Add().f64Add();
  }
  {
    const f = m.func(`squaredDeviation${suffix}`, [...i32s(5), F64], [F64]);
    const [x, N, C, S, c, mean] = f.params as [Local, Local, Local, Local, Local, Local];
    const s = fourF64(f), d = f.local(F64);
    partialSums(f, N, C, S, c, 4, s, (i, k, acc) => {
      load(f, x, i, k); f.get(mean).f64Sub().set(d);
      f.get(acc).get(d).get(d).f64Mul().f64Add().set(acc);
    });
    f.get(s[0]!).get(s[1]!).f64Add().get(s[2]!).get(s[3]!).f64Add().f64Add();
  }
  {
    const f = m.func(`paramsGrad${suffix}`, [...i32s(6), F64], [F64, F64]);
    const [x, dy, N, C, S, c, mean] = f.params as [Local, Local, Local, Local, Local, Local, Local];
    const [p0, p1, q0, q1] = fourF64(f), d = f.local(F64);
    const p = [p0!, p1!], q = [q0!, q1!];
    // per element k of a pair: p_k += dy·(x − m); q_k += dy (the JS loop's order)
    partialSums(f, N, C, S, c, 2, p, (i, k) => {
      load(f, dy, i, k); f.set(d);
      f.get(p[k]!).get(d); load(f, x, i, k); f.get(mean).f64Sub().f64Mul().f64Add().set(p[k]!);
      f.get(q[k]!).get(d).f64Add().set(q[k]!);
    });
    f.get(p0!).get(p1!).f64Add().get(q0!).get(q1!).f64Add();
  }
  {
    const f = m.func(`normalize${suffix}`, [...i32s(6), F64, F64, F64, F64]);
    const [x, out, N, C, S, c, mean, scale, g, b] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
    const i = f.local(I32);
    forEachRun(f, N, C, S, c, shift, (start, end) => {
      f.for(i, () => f.get(start), () => f.get(end), elem, () => {
        // out = (x − m)·scale·γ + β
        f.get(out).get(i).i32Add();
        load(f, x, i); f.get(mean).f64Sub().get(scale).f64Mul().get(g).f64Mul().get(b).f64Add();
        store(f);
      });
    });
  }
  {
    const f = m.func(`inputGrad${suffix}`, [...i32s(7), F64, F64, F64, F64, F64]);
    const [x, dy, dx, N, C, S, c, mean, scale, g, dyMean, dyXhatMean] = f.params as
      [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
    const i = f.local(I32), gScale = f.local(F64);
    f.get(g).get(scale).f64Mul().set(gScale);
    forEachRun(f, N, C, S, c, shift, (start, end) => {
      f.for(i, () => f.get(start), () => f.get(end), elem, () => {
        // dx = γ·scale·(dy − dyMean − x̂·dyXhatMean), x̂ = (x − m)·scale
        f.get(dx).get(i).i32Add();
        f.get(gScale);
        load(f, dy, i); f.get(dyMean).f64Sub();
        load(f, x, i); f.get(mean).f64Sub().get(scale).f64Mul().get(dyXhatMean).f64Mul();
        f.f64Sub().f64Mul();
        store(f);
      });
    });
  }
}

const NAMES = ['sum', 'squaredDeviation', 'paramsGrad', 'normalize', 'inputGrad'] as const;

const heapExports = heapModule<Record<string, never>>((m) => {
  emitFor(m, false);
  emitFor(m, true);
});
let kernels: { k32: BatchNormKernels; k64: BatchNormKernels } | null | undefined;

/** The exports as one {@link BatchNormKernels} per dtype. */
function heapKernels(): { k32: BatchNormKernels; k64: BatchNormKernels } | null {
  if (kernels !== undefined) return kernels;
  const e = heapExports();
  const pick = (suffix: string) => Object.fromEntries(NAMES.map((n) => [n, e![`${n}${suffix}`]])) as unknown as BatchNormKernels;
  kernels = e === null ? null : { k32: pick('32'), k64: pick('64') };
  return kernels;
}

/**
 * The batch-norm loops over `arrays`, bound to their byte offsets, when every array is a view into
 * the tensor heap of one float dtype; null otherwise (the caller runs the JS loops).
 * @example
 * ```ts
 * const k = batchNormKernels([xs, out]);
 * if (k) k.normalize(xs.byteOffset, out.byteOffset, N, C, S, c, m, scale, g, b);
 * ```
 */
export function batchNormKernels(arrays: TypedArray[]): BatchNormKernels | null {
  if (!floatViewsInHeap(arrays)) return null;
  const k = heapKernels();
  return k === null ? null : arrays[0] instanceof Float64Array ? k.k64 : k.k32;
}

