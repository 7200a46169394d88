// Layer factories of the "layer" kind for the CNN layers: Conv2d, MaxPool2d, AvgPool2d,
// AdaptiveAvgPool2d, BatchNorm2d. Trace options are PyTorch's keyword arguments in camelCase,
// which are descent's option names; the positional ones are taken out.
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, MaxPool2d } from '@descent/layers';
import { registerLayerFactory } from '../kinds/layer.js';

type Pair = number | [number, number];

registerLayerFactory('Conv2d', ({ inChannels, outChannels, kernelSize, ...rest }, rng) => {
  const module = new Conv2d(inChannels as number, outChannels as number, kernelSize as Pair, { ...rest, rng, dtype: 'float64' });
  return { module, forward: ([x]) => module.call(x!) };
});

registerLayerFactory('MaxPool2d', ({ kernelSize, ...rest }) => {
  const module = new MaxPool2d(kernelSize as Pair, rest);
  return { module, forward: ([x]) => module.call(x!) };
});

registerLayerFactory('AvgPool2d', ({ kernelSize, ...rest }) => {
  const module = new AvgPool2d(kernelSize as Pair, rest);
  return { module, forward: ([x]) => module.call(x!) };
});

registerLayerFactory('AdaptiveAvgPool2d', ({ outputSize }) => {
  const module = new AdaptiveAvgPool2d(outputSize as Pair);
  return { module, forward: ([x]) => module.call(x!) };
});

registerLayerFactory('BatchNorm2d', ({ numFeatures, ...rest }) => {
  const module = new BatchNorm2d(numFeatures as number, { ...rest, dtype: 'float64' });
  return { module, forward: ([x]) => module.call(x!) };
});
