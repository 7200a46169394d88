import { zeros, DescentError } from '@descent/tensor';
import { optimizers, Optimizer, getOptimizerPlugin } from '@descent/optim';
const p = () => [zeros([2], { dtype: 'float64' }).requireGrad()];
for (const name of optimizers.names()) {
  const d = getOptimizerPlugin(name).defaults as Record<string, unknown>;
  for (const [k, v] of Object.entries(d)) {
    const bads: unknown[] = typeof v === 'number' || v === undefined ? [-1, NaN, Infinity, '0.1'] : typeof v === 'boolean' ? ['yes', 1] : Array.isArray(v) ? [[0.9, 1], [0.9], 'x', [NaN, 0.9]] : [42, { name: 'nope' }, null];
    for (const b of bads) {
      try { new Optimizer(name, p(), { [k]: b }); console.log(`OK?? ${name}.${k}=${JSON.stringify(b)}`); }
      catch (e) { console.log(`${name}.${k}=${String(b)} -> ${(e as Error).constructor.name}: ${(e as Error).message}`); }
    }
  }
}
