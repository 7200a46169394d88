import * as T from '@descent/tensor';
import { Rng } from '@descent/tensor';
import * as L from '@descent/layers';
import * as O from '@descent/optim';
const bad: unknown[] = [null, undefined, {}, 'x', NaN, [1, [2]], -1, [null]];
const rng = new Rng(0);
const mk = () => new L.Sequential(new L.Linear(2, 3, { rng, dtype: 'float64' }), new L.ReLU(), new L.BatchNorm1d(3, { dtype: 'float64' }), new L.Dropout(0.1, { rng }), new L.LayerNorm(3, { dtype: 'float64' }));
const objs: Record<string, () => object> = {
  seq: mk, linear: () => new L.Linear(2, 3, { rng }),
  opt: () => new O.Optimizer('adam', mk().parameters()),
  trainer: () => new O.Trainer({ model: mk(), loss: 'mse', optimizer: 'sgd', batchSize: 1, epochs: 1, seed: 0, progressBar: false }),
  sched: () => O.createScheduler('cosine', { tMax: 10 }, 0.1), plateau: () => O.createScheduler('plateau', {}, 0.1),
  tensor: () => T.zeros([2, 2]), rng: () => new Rng(1),
  registry: () => O.registry,
};
for (const [oname, make] of Object.entries(objs)) {
  const o = make();
  const proto = Object.getPrototypeOf(o);
  const names = new Set([...Object.getOwnPropertyNames(proto), ...Object.getOwnPropertyNames(Object.getPrototypeOf(proto) ?? {}), ...Object.getOwnPropertyNames(Object.getPrototypeOf(Object.getPrototypeOf(proto) ?? {}) ?? {})].filter((n) => n !== 'constructor'));
  for (const n of Object.keys(o)) names.add(n);
  for (const m of names) {
    const raws = new Map<string, string>();
    for (const b of bad) for (const args of [[b], [b, b], [T.zeros([2, 2]), b]]) {
      const inst = make() as any;
      let f: unknown; try { f = inst[m]; } catch { continue; }
      if (typeof f !== 'function') continue;
      try { const r = (f as Function).apply(inst, args); if (r && typeof r.then === 'function') r.catch(() => {}); }
      catch (e) { if (!(e instanceof T.DescentError)) raws.set(`${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 100)}`, JSON.stringify(args.map((a) => a === undefined ? 'undef' : a instanceof T.Tensor ? 'T' : a))); }
    }
    for (const [msg, a] of raws) console.log(`${oname}.${m}${a} -> ${msg}`);
  }
}
