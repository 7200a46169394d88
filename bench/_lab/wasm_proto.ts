import { ModuleBuilder, I32, V128, type Local } from '../../packages/tensor/src/backends/cpu/wasm/assembler.js';
export function buildMacro(MR: number, NR: number, unrollK = 1) {
  const m = new ModuleBuilder();
  const f = m.func('macro', [I32, I32, I32, I32, I32, I32, I32]);
  const [pA, pB, pC, mPanels, nPanels, kc, ldc] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const i = f.local(I32), j = f.local(I32), k = f.local(I32), a = f.local(I32), b = f.local(I32), aBase = f.local(I32), row = f.local(I32), ldcBytes = f.local(I32);
  const NV = NR / 2;
  const acc: Local[][] = Array.from({ length: MR }, () => Array.from({ length: NV }, () => f.local(V128)));
  const bv: Local[] = Array.from({ length: NV }, () => f.local(V128));
  const av = f.local(V128);
  f.get(ldc).i32(8).i32Mul().set(ldcBytes);
  f.for(i, () => f.i32(0), () => f.get(mPanels), 1, () => {
    f.get(pA).get(i).get(kc).i32Mul().i32(MR * 8).i32Mul().i32Add().set(aBase);
    f.for(j, () => f.i32(0), () => f.get(nPanels), 1, () => {
      for (const r of acc) for (const x of r) f.v128Zero().set(x);
      f.get(aBase).set(a);
      f.get(pB).get(j).get(kc).i32Mul().i32(NR * 8).i32Mul().i32Add().set(b);
      const step = (u: number) => {
        for (let c = 0; c < NV; c++) f.get(b).v128Load(u * NR * 8 + c * 16).set(bv[c]!);
        for (let r = 0; r < MR; r++) {
          f.get(a).v128Load64Splat(u * MR * 8 + r * 8).set(av);
          for (let c = 0; c < NV; c++) f.get(acc[r]![c]!).get(av).get(bv[c]!).f64x2Mul().f64x2Add().set(acc[r]![c]!);
        }
      };
      f.for(k, () => f.i32(0), () => f.get(kc), unrollK, () => {
        for (let u = 0; u < unrollK; u++) step(u);
        f.addTo(a, MR * 8 * unrollK).addTo(b, NR * 8 * unrollK);
      });
      // store tile
      f.get(pC).get(i).i32(MR).i32Mul().get(ldc).i32Mul().get(j).i32(NR).i32Mul().i32Add().i32(8).i32Mul().i32Add().set(row);
      for (let r = 0; r < MR; r++) {
        for (let c = 0; c < NV; c++) f.get(row).get(acc[r]![c]!).v128Store(c * 16);
        f.addTo(row, ldcBytes);
      }
    });
  });
  return m.encode();
}
