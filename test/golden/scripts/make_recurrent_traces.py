#!/usr/bin/env python3
"""Reference traces of kind "layer" for LSTM and GRU (one layer, one direction), made with
PyTorch 1.13 in float64 (docs/golden-format.md).

Run from the repository root:
    /usr/bin/python3 test/golden/scripts/make_recurrent_traces.py
Inputs are the sequence and, optionally, the initial state (h0 for GRU; h0 and c0 for LSTM), passed
to the layer as PyTorch takes them. The call option `return_state` (the script's, not PyTorch's)
makes the final state the compared output: 'h' (h_n) or 'c' (LSTM's c_n).
"""
import torch

import make_layer_traces
from make_layer_traces import randomize, seeded, write_layer_trace

make_layer_traces.REFERENCE = make_layer_traces.REFERENCE.replace('make_layer_traces.py', 'make_recurrent_traces.py')


def recurrent_forward(layer, inputs, opts):
    x, *state = inputs
    if isinstance(layer, torch.nn.LSTM):
        out, (h, c) = layer(x, tuple(state)) if state else layer(x)
    else:
        out, h = layer(x, state[0]) if state else layer(x)
        c = None
    which = opts.get('return_state')
    return h if which == 'h' else c if which == 'c' else out


def main():
    opts = {'input_size': 3, 'hidden_size': 4}
    write_layer_trace('lstm-seqfirst', 'LSTM', opts, randomize(torch.nn.LSTM(**opts), 40), [seeded(41, 5, 2, 3)],
                      forward=recurrent_forward)
    opts = {'input_size': 3, 'hidden_size': 4, 'batch_first': True}
    state_inputs = lambda: [seeded(43, 2, 6, 3), seeded(44, 1, 2, 4), seeded(45, 1, 2, 4)]
    write_layer_trace('lstm-batchfirst-state', 'LSTM', opts, randomize(torch.nn.LSTM(**opts), 42), state_inputs(),
                      forward=recurrent_forward)
    write_layer_trace('lstm-batchfirst-state-cn', 'LSTM', opts, randomize(torch.nn.LSTM(**opts), 42), state_inputs(),
                      call_options={'return_state': 'c'}, forward=recurrent_forward)
    opts = {'input_size': 2, 'hidden_size': 3, 'bias': False}
    write_layer_trace('lstm-unbatched-nobias-hn', 'LSTM', opts, randomize(torch.nn.LSTM(**opts), 46), [seeded(47, 4, 2)],
                      call_options={'return_state': 'h'}, forward=recurrent_forward)

    opts = {'input_size': 3, 'hidden_size': 4}
    write_layer_trace('gru-seqfirst', 'GRU', opts, randomize(torch.nn.GRU(**opts), 50), [seeded(51, 5, 2, 3)],
                      forward=recurrent_forward)
    opts = {'input_size': 3, 'hidden_size': 4, 'batch_first': True}
    write_layer_trace('gru-batchfirst-state-hn', 'GRU', opts, randomize(torch.nn.GRU(**opts), 52),
                      [seeded(53, 2, 6, 3), seeded(54, 1, 2, 4)], call_options={'return_state': 'h'}, forward=recurrent_forward)
    opts = {'input_size': 2, 'hidden_size': 3, 'bias': False}
    write_layer_trace('gru-unbatched-nobias', 'GRU', opts, randomize(torch.nn.GRU(**opts), 56), [seeded(57, 4, 2)],
                      forward=recurrent_forward)


if __name__ == '__main__':
    torch.set_default_dtype(torch.float64)
    main()
