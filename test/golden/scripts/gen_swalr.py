#!/usr/bin/python3
"""Golden traces (kind "scheduler") for `swalr`, torch 1.13's torch.optim.swa_utils.SWALR.

    /usr/bin/python3 test/golden/scripts/gen_swalr.py

lrs[t] is the lr of optimizer step t, the scheduler being stepped after every optimizer step
(SWALR's anneal_epochs then counts those steps). The optimizer is SGD with lr = baseLr.
"""
import json
import os
import warnings

import torch
from torch.optim.swa_utils import SWALR

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORCH = 'torch %s torch.optim.swa_utils.SWALR (float64)' % torch.__version__


def run(trace_id, options, base_lr, steps):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    kw = {'swa_lr': options['swaLr']}
    if 'annealEpochs' in options:
        kw['anneal_epochs'] = options['annealEpochs']
    if 'annealStrategy' in options:
        kw['anneal_strategy'] = options['annealStrategy']
    sched = SWALR(opt, **kw)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    trace = {'format': 'golden/1', 'kind': 'scheduler', 'id': trace_id, 'reference': TORCH,
             'scheduler': {'name': 'swalr', 'options': options}, 'baseLr': base_lr, 'steps': steps, 'lrs': lrs}
    with open(os.path.join(GOLDEN, trace_id + '.json'), 'w') as f:
        json.dump(trace, f)
    print(trace_id, lrs[:4], lrs[-2:])


if __name__ == '__main__':
    warnings.simplefilter('ignore')
    run('sched-swalr-cos', {'swaLr': 0.02}, 0.1, 16)
    run('sched-swalr-linear', {'swaLr': 0.05, 'annealEpochs': 7, 'annealStrategy': 'linear'}, 0.3, 12)
    run('sched-swalr-up', {'swaLr': 0.5, 'annealEpochs': 3, 'annealStrategy': 'cos'}, 0.01, 8)
    run('sched-swalr-zero', {'swaLr': 0.03, 'annealEpochs': 0}, 0.2, 4)
