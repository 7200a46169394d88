// Layer factories of the "layer" kind for the Transformer family: Embedding, MultiheadAttention,
// TransformerEncoderLayer (traces: test/golden/scripts/make_attention_traces.py).
import { Embedding, MultiheadAttention, TransformerEncoderLayer, type AttentionCallOptions, type EncoderCallOptions } from '@descent/layers';
import type { Tensor } from '@descent/tensor';
import { registerLayerFactory } from '../kinds/layer.js';

registerLayerFactory('Embedding', ({ numEmbeddings, embeddingDim, ...rest }, rng) => {
  const module = new Embedding(numEmbeddings as number, embeddingDim as number, { ...rest, rng, dtype: 'float64' });
  return { module, forward: ([indices]) => module.call(indices!) };
});

// One input is self-attention (the same tensor as query, key and value, so its gradient sums the
// three), three are cross-attention. The call option `returnWeights` (not PyTorch's: the trace
// script's) makes the weights, the call's second result, the output compared.
registerLayerFactory('MultiheadAttention', ({ embedDim, numHeads, ...rest }, rng) => {
  const module = new MultiheadAttention(embedDim as number, numHeads as number, { ...rest, rng, dtype: 'float64' });
  const forward = (inputs: Tensor[], { returnWeights, ...callOptions }: Record<string, unknown>): Tensor => {
    const [q, k, v] = inputs.length === 1 ? [inputs[0]!, inputs[0]!, inputs[0]!] : inputs;
    const [output, weights] = module.call(q!, k!, v!, callOptions as AttentionCallOptions);
    return returnWeights === true ? weights! : output;
  };
  return { module, forward, transposed: ['out_proj.weight'] };
});

registerLayerFactory('TransformerEncoderLayer', ({ dModel, nhead, ...rest }, rng) => {
  const module = new TransformerEncoderLayer(dModel as number, nhead as number, { ...rest, rng, dtype: 'float64' });
  return {
    module,
    forward: ([x], callOptions) => module.call(x!, callOptions as EncoderCallOptions),
    transposed: ['self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight'],
  };
});
