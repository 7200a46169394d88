// Layer factories of the "layer" kind for the first layers: Linear, LayerNorm, BatchNorm1d.
// Trace options are PyTorch's keyword arguments in camelCase, which are descent's option names,
// so a factory takes the positional ones out and passes the rest through.
import { BatchNorm1d, LayerNorm, Linear } from '@descent/layers';
import { registerLayerFactory } from '../kinds/layer.js';

registerLayerFactory('Linear', ({ inFeatures, outFeatures, ...rest }, rng) => {
  const module = new Linear(inFeatures as number, outFeatures as number, { ...rest, rng, dtype: 'float64' });
  return { module, forward: ([x]) => module.call(x!), transposed: ['weight'] };
});

registerLayerFactory('LayerNorm', ({ normalizedShape, ...rest }) => {
  const module = new LayerNorm(normalizedShape as number[], { ...rest, dtype: 'float64' });
  return { module, forward: ([x]) => module.call(x!) };
});

registerLayerFactory('BatchNorm1d', ({ numFeatures, ...rest }) => {
  const module = new BatchNorm1d(numFeatures as number, { ...rest, dtype: 'float64' });
  return { module, forward: ([x]) => module.call(x!) };
});
