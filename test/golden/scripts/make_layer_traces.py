#!/usr/bin/env python3
"""Reference traces of kind "layer" (docs/golden-format.md), made with PyTorch 1.13 in float64.

Run from the repository root with the Debian PyTorch (apt-get install python3-torch):
    /usr/bin/python3 test/golden/scripts/make_layer_traces.py
Each case builds the layer, loads seeded parameters, calls it on a seeded input, seeds backward
with a seeded `upstream` (loss = sum(output * upstream)) and writes layer-<name>.json into
test/golden/. Other scripts add their layer families with the same `write_layer_trace` helper.
"""
import json
import os
import re

import torch

torch.set_default_dtype(torch.float64)
# Debian's python3-torch 1.13.1+dfsg reports its version as 1.13.0a0.
REFERENCE = f'PyTorch 1.13.1 (Debian python3-torch, torch.__version__ {torch.__version__}) float64, test/golden/scripts/make_layer_traces.py'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def camel(name):
    return re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), name)


def encode(t):
    if t.dtype == torch.bool:
        return {'value': t.tolist(), 'dtype': 'bool'}
    if t.dtype in (torch.int64, torch.int32):
        return {'value': t.tolist(), 'dtype': 'int64'}
    return {'value': t.tolist(), 'dtype': 'float64', 'requiresGrad': t.requires_grad}


def write_layer_trace(name, torch_name, options, layer, inputs, mode='train', call_options=None,
                      forward=None, seed=0):
    """Run `layer` on `inputs` (tensors; float ones get requires_grad) and write the trace.

    `options` are the constructor's keyword arguments as passed to PyTorch (snake_case); the trace
    stores them in camelCase. `forward(layer, inputs, call_options)` returns the output tensor
    (default: layer(*inputs)).
    """
    gen = torch.Generator().manual_seed(seed)
    params = {k: v.detach().clone().tolist() for k, v in layer.named_parameters()}
    buffers = {k: v.detach().clone().tolist() for k, v in layer.named_buffers()}
    layer.train(mode == 'train')
    for x in inputs:
        if x.is_floating_point():
            x.requires_grad_(True)
    call_options = call_options or {}
    out = forward(layer, inputs, call_options) if forward else layer(*inputs)
    upstream = torch.randn(out.shape, generator=gen)
    (out * upstream).sum().backward()
    trace = {
        'kind': 'layer',
        'name': name,
        'reference': REFERENCE,
        'layer': {'name': torch_name, 'options': {camel(k): v for k, v in options.items()}},
        'mode': mode,
        'params': params,
        'buffers': buffers,
        'inputs': [encode(x) for x in inputs],
        'callOptions': {camel(k): encode(v) if torch.is_tensor(v) else v for k, v in call_options.items()},
        'output': out.detach().tolist(),
        'upstream': upstream.tolist(),
        'grads': {
            'inputs': [x.grad.tolist() if x.grad is not None else None for x in inputs],
            'params': {k: v.grad.tolist() for k, v in layer.named_parameters() if v.grad is not None},
        },
        'buffersAfter': {k: v.detach().tolist() for k, v in layer.named_buffers()},
    }
    with open(os.path.join(OUT, f'layer-{name}.json'), 'w') as f:
        json.dump(trace, f)
        f.write('\n')


def seeded(seed, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def randomize(layer, seed):
    """Non-trivial parameter values (PyTorch's init would leave BatchNorm's weight at 1, bias 0)."""
    with torch.no_grad():
        for i, p in enumerate(layer.parameters()):
            p.copy_(seeded(seed + i, *p.shape))
    return layer


def main():
    opts = {'in_features': 5, 'out_features': 3}
    write_layer_trace('linear', 'Linear', opts, randomize(torch.nn.Linear(**opts), 10), [seeded(1, 4, 5)])
    opts = {'in_features': 4, 'out_features': 2, 'bias': False}
    write_layer_trace('linear-nobias-3d', 'Linear', opts, randomize(torch.nn.Linear(**opts), 11), [seeded(2, 2, 3, 4)])

    opts = {'normalized_shape': [3, 4], 'eps': 1e-5}
    write_layer_trace('layernorm-2axes', 'LayerNorm', opts, randomize(torch.nn.LayerNorm(**opts), 12), [seeded(3, 2, 3, 4)])

    opts = {'num_features': 3, 'momentum': 0.2}
    write_layer_trace('batchnorm1d-train', 'BatchNorm1d', opts, randomize(torch.nn.BatchNorm1d(**opts), 13), [seeded(4, 6, 3)])
    bn = randomize(torch.nn.BatchNorm1d(3), 14)
    with torch.no_grad():
        bn.running_mean.copy_(seeded(15, 3))
        bn.running_var.copy_(seeded(16, 3).abs() + 0.5)
    write_layer_trace('batchnorm1d-eval', 'BatchNorm1d', {'num_features': 3}, bn, [seeded(5, 5, 3)], mode='eval')


if __name__ == '__main__':
    main()
