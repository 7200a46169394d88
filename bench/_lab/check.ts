// correctness of the cpu gemm kernels against a float64 reference and each other, all transposition variants
import { gemm, setMatmulKernel, matmulKernelInUse } from '../../packages/tensor/src/backends/cpu/matmul.js';
import { gemm as oldGemm } from './old_matmul.js';
import { naive } from './gen.js';
function rnd(n: number, seed: number) { const a = new Float32Array(n); let s = seed; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; }
const sizes = [[1, 1, 1], [1, 7, 3], [7, 1, 3], [2, 5, 1], [3, 6, 257], [7, 9, 13], [33, 17, 300], [5, 600, 3], [64, 256, 784], [784, 256, 64], [64, 10, 128], [130, 1030, 520], [300, 517, 700], [0, 3, 4], [3, 0, 4], [3, 4, 0]];
for (const mode of ['js', 'wasm'] as const) {
  setMatmulKernel(mode);
  let worst = 0, cases = 0, same = 0;
  for (const [M, N, K] of sizes) for (const tA of [false, true]) for (const tB of [false, true]) for (const f64 of [false, true]) {
    const A = rnd(M! * K!, 7 + M!), B = rnd(K! * N!, 11 + N!);
    const A2 = f64 ? Float64Array.from(A) : A, B2 = f64 ? Float64Array.from(B) : B;
    const C = f64 ? new Float64Array(M! * N! + 3).fill(1) : new Float32Array(M! * N! + 3).fill(1);
    const C2 = C.slice();
    gemm(A2, 0, B2, 0, C, 1, M!, N!, K!, tA, tB);
    oldGemm(A2, 0, B2, 0, C2, 1, M!, N!, K!, tA, tB);
    const R = naive(A, B, M!, N!, K!, tA, tB);
    if (C[0] !== 1 || C[C.length - 1] !== 1 || C[C.length - 2] !== 1) throw new Error('wrote outside C');
    for (let i = 0; i < R.length; i++) {
      const e = Math.abs(R[i]! + 1 - C[i + 1]!) / Math.sqrt(K! + 1);
      if (!(e < (f64 ? 1e-12 : 1e-6))) throw new Error(`${mode} wrong at ${M},${N},${K},${tA},${tB},${f64}: ${C[i + 1]} vs ${R[i]! + 1}`);
      worst = Math.max(worst, f64 ? e : 0);
    }
    for (let i = 0; i < C.length; i++) if (!Object.is(C[i], C2[i])) throw new Error(`${mode} differs from the old kernel at ${M},${N},${K},${tA},${tB},${f64}`);
    same++; cases++;
  }
  console.log(`${mode} (${matmulKernelInUse()}): ${cases} cases ok, worst f64 err ${worst.toExponential(2)}, ${same} bitwise identical to the previous kernel`);
}
