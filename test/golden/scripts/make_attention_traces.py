#!/usr/bin/env python3
"""Reference traces of kind "layer" for Embedding, MultiheadAttention and TransformerEncoderLayer,
made with PyTorch 1.13 in float64 (docs/golden-format.md).

Run from the repository root:
    /usr/bin/python3 test/golden/scripts/make_attention_traces.py
Dropout is 0 in training mode (its masks come from PyTorch's generator, which descent does not
share), or the trace runs in eval mode. Masks: `key_padding_mask` is boolean (True = padding); the
call option `causal` stands for PyTorch's boolean upper-triangular `attn_mask` (descent's `causal`
option); float `attn_mask`s are finite (JSON has no -Infinity). A MultiheadAttention trace with the
call option `return_weights` compares the attention weights (the call's second result) instead of
the output.
"""
import torch

import make_layer_traces
from make_layer_traces import randomize, seeded, write_layer_trace

make_layer_traces.REFERENCE = make_layer_traces.REFERENCE.replace('make_layer_traces.py', 'make_attention_traces.py')


def causal_bool(size):
    return torch.triu(torch.ones(size, size, dtype=torch.bool), diagonal=1)


def mha_forward(layer, inputs, opts):
    """Call a MultiheadAttention: self-attention with one input, else (query, key, value). The
    output is the attention output, or with the option `return_weights` the attention weights."""
    q, k, v = (inputs[0], inputs[0], inputs[0]) if len(inputs) == 1 else inputs
    kwargs = {key: value for key, value in opts.items() if key not in ('causal', 'return_weights')}
    if opts.get('causal'):
        kwargs['attn_mask'] = causal_bool(q.shape[1] if layer.batch_first else q.shape[0])
    return layer(q, k, v, **kwargs)[1 if opts.get('return_weights') else 0]


def encoder_forward(layer, inputs, opts):
    kwargs = {key: value for key, value in opts.items() if key != 'causal'}
    if opts.get('causal'):
        x = inputs[0]
        kwargs['src_mask'] = causal_bool(x.shape[1] if layer.self_attn.batch_first else x.shape[0])
    return layer(inputs[0], **kwargs)


def main():
    # Embedding: int64 indices of two shapes, with and without a padding row.
    opts = {'num_embeddings': 7, 'embedding_dim': 3, 'padding_idx': 2}
    write_layer_trace('embedding-padding', 'Embedding', opts, randomize(torch.nn.Embedding(**opts), 20),
                      [torch.tensor([[1, 2, 6], [2, 0, 1]])])
    opts = {'num_embeddings': 5, 'embedding_dim': 4}
    write_layer_trace('embedding-1d', 'Embedding', opts, randomize(torch.nn.Embedding(**opts), 21),
                      [torch.tensor([4, 0, 4, 3, 1])])

    # MultiheadAttention.
    opts = {'embed_dim': 8, 'num_heads': 2, 'batch_first': True}
    kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
    write_layer_trace('mha-self-batchfirst-causal-padding', 'MultiheadAttention', opts,
                      randomize(torch.nn.MultiheadAttention(**opts), 22), [seeded(23, 2, 4, 8)],
                      call_options={'causal': True, 'key_padding_mask': kpm}, forward=mha_forward)
    opts = {'embed_dim': 6, 'num_heads': 3}
    cross_inputs = lambda: [seeded(25, 3, 2, 6), seeded(26, 5, 2, 6), seeded(27, 5, 2, 6)]
    float_mask = seeded(28, 3, 5)
    write_layer_trace('mha-cross-seqfirst-floatmask', 'MultiheadAttention', opts,
                      randomize(torch.nn.MultiheadAttention(**opts), 24), cross_inputs(),
                      call_options={'attn_mask': float_mask}, forward=mha_forward)
    write_layer_trace('mha-cross-seqfirst-weights', 'MultiheadAttention', opts,
                      randomize(torch.nn.MultiheadAttention(**opts), 24), cross_inputs(),
                      call_options={'return_weights': True, 'attn_mask': float_mask, 'key_padding_mask': torch.tensor([[False] * 4 + [True], [False] * 5])},
                      forward=mha_forward)
    opts = {'embed_dim': 4, 'num_heads': 1, 'bias': False}
    write_layer_trace('mha-unbatched-nobias-perhead', 'MultiheadAttention', opts,
                      randomize(torch.nn.MultiheadAttention(**opts), 29), [seeded(30, 3, 4)],
                      call_options={'return_weights': True, 'average_attn_weights': False}, forward=mha_forward)

    # TransformerEncoderLayer: post-norm ReLU with masks, pre-norm GELU without, eval with dropout.
    opts = {'d_model': 8, 'nhead': 2, 'dim_feedforward': 16, 'dropout': 0.0}
    write_layer_trace('encoder-postnorm-relu-masks', 'TransformerEncoderLayer', opts,
                      randomize(torch.nn.TransformerEncoderLayer(**opts), 31), [seeded(32, 5, 2, 8)],
                      call_options={'causal': True, 'src_key_padding_mask': torch.tensor([[False] * 4 + [True], [False] * 5])},
                      forward=encoder_forward)
    opts = {'d_model': 8, 'nhead': 4, 'dim_feedforward': 12, 'dropout': 0.0, 'activation': 'gelu',
            'layer_norm_eps': 1e-6, 'batch_first': True, 'norm_first': True}
    write_layer_trace('encoder-prenorm-gelu', 'TransformerEncoderLayer', opts,
                      randomize(torch.nn.TransformerEncoderLayer(**opts), 33), [seeded(34, 2, 6, 8)],
                      forward=encoder_forward)
    opts = {'d_model': 6, 'nhead': 2, 'dim_feedforward': 10, 'norm_first': True}
    write_layer_trace('encoder-prenorm-eval-floatmask', 'TransformerEncoderLayer', opts,
                      randomize(torch.nn.TransformerEncoderLayer(**opts), 35), [seeded(36, 4, 3, 6)], mode='eval',
                      call_options={'src_mask': seeded(37, 4, 4)}, forward=encoder_forward)


if __name__ == '__main__':
    main()
