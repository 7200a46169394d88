// Layer factories of the "layer" kind for LSTM and GRU (traces: test/golden/scripts/make_recurrent_traces.py).
// Inputs are the sequence and optionally the initial state; the call option `returnState`
// ('h' or 'c', the script's) makes the final state the compared output.
import { GRU, LSTM } from '@descent/layers';
import type { Tensor } from '@descent/tensor';
import { registerLayerFactory } from '../kinds/layer.js';

registerLayerFactory('LSTM', ({ inputSize, hiddenSize, ...rest }, rng) => {
  const module = new LSTM(inputSize as number, hiddenSize as number, { ...rest, rng, dtype: 'float64' });
  const forward = ([x, h0, c0]: Tensor[], { returnState }: Record<string, unknown>): Tensor => {
    const [out, [h, c]] = module.call(x!, h0 && c0 ? [h0, c0] : undefined);
    return returnState === 'h' ? h : returnState === 'c' ? c : out;
  };
  return { module, forward };
});

registerLayerFactory('GRU', ({ inputSize, hiddenSize, ...rest }, rng) => {
  const module = new GRU(inputSize as number, hiddenSize as number, { ...rest, rng, dtype: 'float64' });
  const forward = ([x, h0]: Tensor[], { returnState }: Record<string, unknown>): Tensor => {
    const [out, h] = module.call(x!, h0);
    return returnState === 'h' ? h : out;
  };
  return { module, forward };
});
