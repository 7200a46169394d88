import * as T from '@descent/tensor';
import * as L from '@descent/layers';
import * as O from '@descent/optim';
const bad: unknown[] = [null, undefined, {}, 'x', NaN, [1, [2]], -1];
const skip = new Set(['setBackend', 'registerBackend', 'registerKernel', 'registerGradient', 'noGrad', 'useBackend', 'loadGpuBackend', 'runKernel']);
const x = T.zeros([2, 2]);
for (const [lib, mod] of [['tensor', T], ['layers', L], ['optim', O]] as const) {
  for (const [name, f] of Object.entries(mod)) {
    if (typeof f !== 'function' || skip.has(name)) continue;
    const isClass = /^class\s/.test(Function.prototype.toString.call(f));
    const argSets: unknown[][] = [];
    for (const b of bad) { argSets.push([b]); argSets.push([x, b]); argSets.push([b, b]); }
    const raws = new Map<string, string>();
    for (const args of argSets) {
      try { const r = isClass ? new (f as any)(...args) : (f as any)(...args); if (r && typeof r.then === 'function') r.catch(() => {}); }
      catch (e) {
        if (!(e instanceof T.DescentError)) raws.set(`${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 90)}`, JSON.stringify(args.map(a => a === x ? 'T' : a === undefined ? 'undef' : a)));
      }
    }
    for (const [m, a] of raws) console.log(`${lib}.${name}${a} -> ${m}`);
  }
}
