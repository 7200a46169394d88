// The machine's limits, measured in the bench's own process so every figure can be read against them:
// the clock (a chain of dependent integer adds in wasm, one per cycle), the single-core f32x4 peak
// derived from it, and memory bandwidth from a plain copy loop (TypedArray.prototype.set).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { F64, I32, ModuleBuilder, V128 } from '../../packages/tensor/src/backends/cpu/wasm/assembler.js';

/** What {@link measureCeilings} reports. */
export interface Ceilings {
  /** Clock estimated from dependent adds (GHz; turbo included, load lowers it). */
  clock_ghz: number;
  /** `cpu MHz` of /proc/cpuinfo (a VM often reports the nominal clock), or null. */
  cpuinfo_mhz: number | null;
  /** clock × 4 lanes × 2 flops per multiply-add × 2 SIMD pipes: the single-core f32x4 peak (f64x2: half). */
  peak_f32x4_gflops: number;
  /** Copy bandwidth (bytes read + written per second, GB/s) on 4 MB arrays: the elementwise working set, cache-resident. */
  copy_gbps_4mb: number;
  /** The same on 64 MB arrays: from DRAM. */
  copy_gbps_64mb: number;
  /** Throughput of f64x2 division: ns per instruction (2 divisions), from independent chains. */
  f64x2_div_ns: number;
  /** Throughput of f64x2 square root: ns per instruction (2 roots). */
  f64x2_sqrt_ns: number;
  /** os.availableParallelism(). */
  available_parallelism: number;
}

/** Adam's floor (ms) on `n` float32 parameters, from the divider's measured throughput (the rest of
 * the update issues on other units alongside): per pair of elements one f64x2 division and one
 * square root in the folded form `@descent/optim` uses on float32, three divisions and one square
 * root in PyTorch's order (`pytorchOrder`).
 * @example
 * ```ts
 * adamFloorMs(ceilings, 235146);                          // ≈ 0.37 on the development machine
 * adamFloorMs(ceilings, 235146, { pytorchOrder: true });  // ≈ 0.63
 * ```
 */
export function adamFloorMs(c: Ceilings, n: number, { pytorchOrder = false }: { pytorchOrder?: boolean } = {}): number {
  return (Math.ceil(n / 2) * ((pytorchOrder ? 3 : 1) * c.f64x2_div_ns + c.f64x2_sqrt_ns)) / 1e6;
}

const CHAIN = 1000;

/** A wasm function running `iterations` × CHAIN dependent i32 adds (x += y, y unknown to the compiler). */
function chainKernel(): (iterations: number, y: number) => number {
  const m = new ModuleBuilder();
  const f = m.func('chain', [I32, I32], [I32]);
  const [n, y] = f.params as [{ index: number; type: typeof I32 }, { index: number; type: typeof I32 }];
  const i = f.local(I32), x = f.local(I32);
  f.for(i, () => f.i32(0), () => f.get(n), 1, () => {
    for (let k = 0; k < CHAIN; k++) f.get(x).get(y).i32Add().set(x);
  });
  f.get(x);
  return (new WebAssembly.Instance(new WebAssembly.Module(m.encode()), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports as { chain: (n: number, y: number) => number }).chain;
}

const LANES_IN_FLIGHT = 8; // independent chains: more than the divider's latency / throughput (≈ 3 on x64)
const OPS_PER_CHAIN = 100;

/** A wasm function running `iterations` × OPS_PER_CHAIN rounds of one f64x2 division (or square
 * root) on each of LANES_IN_FLIGHT independent vectors: the unit's throughput, not its latency. */
function throughputKernel(op: 'div' | 'sqrt'): (iterations: number, c: number) => number {
  const m = new ModuleBuilder();
  const f = m.func('run', [I32, F64], [F64]);
  const n = f.params[0]!, c = f.params[1]!;
  const i = f.local(I32), divisor = f.local(V128);
  const xs = Array.from({ length: LANES_IN_FLIGHT }, () => f.local(V128));
  f.get(c).f64x2Splat().set(divisor);
  for (const x of xs) f.get(c).f64x2Splat().set(x);
  f.for(i, () => f.i32(0), () => f.get(n), 1, () => {
    for (let k = 0; k < OPS_PER_CHAIN; k++) for (const x of xs) { f.get(x); if (op === 'div') f.get(divisor).f64x2Div(); else f.f64x2Sqrt(); f.set(x); }
  });
  xs.forEach((x, k) => f.i32(0).get(x).v128Store(16 * k)); // stored, so the chains are not optimised away
  f.get(c);
  return (new WebAssembly.Instance(new WebAssembly.Module(m.encode()), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports as { run: (n: number, c: number) => number }).run;
}

/** Best of `reps` timings of fn, ms (the best is the least disturbed by other processes). */
function best(fn: () => void, reps: number): number {
  fn();
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** Measure the clock and copy bandwidth (about 1 s; `quick`: fewer repetitions). */
export function measureCeilings(quick: boolean): Ceilings {
  const chain = chainKernel();
  // short trials (0.1–0.2 ms): on a loaded machine long ones are rarely left alone for their whole length
  const iterations = 500;
  const ms = best(() => { chain(iterations, 3); }, quick ? 100 : 300);
  const clock = (iterations * CHAIN) / (ms * 1e6);
  let cpuinfo: number | null = null;
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    cpuinfo = m ? Math.round(Number(m[1])) : null;
  } catch { /* not Linux */ }
  const copy = (bytes: number, reps: number) => {
    const src = new Float32Array(bytes / 4).fill(1), dst = new Float32Array(bytes / 4);
    dst.set(src);
    return (2 * bytes) / (best(() => { dst.set(src); }, reps) * 1e6);
  };
  const perOp = (op: 'div' | 'sqrt') => {
    const kernel = throughputKernel(op), its = 20;
    return (best(() => { kernel(its, 1.0000001); }, quick ? 50 : 150) * 1e6) / (its * OPS_PER_CHAIN * LANES_IN_FLIGHT);
  };
  return {
    clock_ghz: clock,
    cpuinfo_mhz: cpuinfo,
    peak_f32x4_gflops: clock * 4 * 2 * 2,
    copy_gbps_4mb: copy(4e6, quick ? 20 : 50),
    copy_gbps_64mb: copy(64e6, quick ? 3 : 8),
    f64x2_div_ns: perOp('div'),
    f64x2_sqrt_ns: perOp('sqrt'),
    available_parallelism: os.availableParallelism(),
  };
}
