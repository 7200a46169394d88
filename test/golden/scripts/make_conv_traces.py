#!/usr/bin/env python3
"""Reference traces of kind "layer" for the CNN layers: Conv2d, MaxPool2d, AvgPool2d,
AdaptiveAvgPool2d, BatchNorm2d (PyTorch 1.13, float64), two or more configurations each.

Run from the repository root with the Debian PyTorch:
    /usr/bin/python3 test/golden/scripts/make_conv_traces.py
Writes test/golden/layer-<name>.json through make_layer_traces.write_layer_trace.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_layer_traces  # noqa: E402
from make_layer_traces import randomize, seeded, write_layer_trace  # noqa: E402

# the traces name this script as their producer
make_layer_traces.REFERENCE = make_layer_traces.REFERENCE.replace('make_layer_traces.py', 'make_conv_traces.py')

torch.set_default_dtype(torch.float64)


def conv(name, x_shape, seed, **opts):
    layer = randomize(torch.nn.Conv2d(**opts), seed)
    write_layer_trace(name, 'Conv2d', opts, layer, [seeded(seed + 100, *x_shape)], seed=seed)


def pool(name, cls, x, seed, **opts):
    write_layer_trace(name, cls.__name__, opts, cls(**opts), [x], seed=seed)


def tied(seed, *shape):
    """Small integers: many windows hold their maximum twice (PyTorch routes to the first)."""
    return torch.randint(-3, 4, shape, generator=torch.Generator().manual_seed(seed)).double()


def main():
    conv('conv2d-basic', [2, 3, 6, 5], 20, in_channels=3, out_channels=4, kernel_size=3)
    conv('conv2d-stride-pad-dilation-groups', [2, 4, 9, 8], 21, in_channels=4, out_channels=6, kernel_size=[3, 2],
         stride=[2, 1], padding=[1, 2], dilation=[1, 2], groups=2)
    conv('conv2d-same-even-nobias', [1, 2, 6, 7], 22, in_channels=2, out_channels=3, kernel_size=4, padding='same', bias=False)
    conv('conv2d-valid-depthwise', [2, 3, 7, 7], 23, in_channels=3, out_channels=6, kernel_size=3, stride=2, padding='valid', groups=3)
    conv('conv2d-1x1', [2, 5, 3, 4], 24, in_channels=5, out_channels=2, kernel_size=1)

    pool('maxpool2d-2', torch.nn.MaxPool2d, seeded(30, 2, 3, 6, 6), 30, kernel_size=2)
    pool('maxpool2d-3-stride2-pad1-ties', torch.nn.MaxPool2d, tied(31, 2, 2, 7, 6), 31, kernel_size=3, stride=2, padding=1)
    pool('maxpool2d-rect', torch.nn.MaxPool2d, seeded(32, 1, 2, 6, 7), 32, kernel_size=[2, 3], stride=[1, 2])

    pool('avgpool2d-2', torch.nn.AvgPool2d, seeded(40, 2, 3, 6, 6), 40, kernel_size=2)
    pool('avgpool2d-3-stride2-pad1', torch.nn.AvgPool2d, seeded(41, 2, 2, 7, 6), 41, kernel_size=3, stride=2, padding=1)
    pool('avgpool2d-exclude-pad', torch.nn.AvgPool2d, seeded(42, 1, 2, 7, 6), 42, kernel_size=[3, 2], stride=[2, 1],
         padding=1, count_include_pad=False)

    pool('adaptiveavgpool2d-1', torch.nn.AdaptiveAvgPool2d, seeded(50, 2, 4, 5, 5), 50, output_size=1)
    pool('adaptiveavgpool2d-3x4', torch.nn.AdaptiveAvgPool2d, seeded(51, 2, 2, 7, 6), 51, output_size=[3, 4])

    opts = {'num_features': 3, 'momentum': 0.2}
    write_layer_trace('batchnorm2d-train', 'BatchNorm2d', opts, randomize(torch.nn.BatchNorm2d(**opts), 60),
                      [seeded(61, 4, 3, 3, 5)], seed=60)
    bn = randomize(torch.nn.BatchNorm2d(3, eps=1e-3), 62)
    with torch.no_grad():
        bn.running_mean.copy_(seeded(63, 3))
        bn.running_var.copy_(seeded(64, 3).abs() + 0.5)
    write_layer_trace('batchnorm2d-eval', 'BatchNorm2d', {'num_features': 3, 'eps': 1e-3}, bn, [seeded(65, 2, 3, 4, 4)], mode='eval', seed=62)
    opts = {'num_features': 2, 'affine': False, 'momentum': None}
    write_layer_trace('batchnorm2d-noaffine-cumulative', 'BatchNorm2d', opts, torch.nn.BatchNorm2d(**opts),
                      [seeded(66, 3, 2, 2, 3)], seed=66)


if __name__ == '__main__':
    main()
