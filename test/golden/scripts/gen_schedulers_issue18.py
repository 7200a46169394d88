#!/usr/bin/python3
"""Golden traces (kind "scheduler") for the schedulers of issue 18.

    /usr/bin/python3 test/golden/scripts/gen_schedulers_issue18.py

`polynomial` is torch 1.13's PolynomialLR. `wsd` is Hugging Face transformers' get_wsd_schedule
lambda (transformers/optimization.py, _get_wsd_scheduler_lambda, v4.4x), written out below and
driven by torch 1.13's LambdaLR. lrs[t] is the lr of optimizer step t, the scheduler being
stepped after every optimizer step.
"""
import json
import math
import os

import torch

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wsd_lambda(step, *, warmup, stable, decay, warmup_type='linear', decay_type='cosine', min_lr_ratio=0.0, num_cycles=0.5):
    if step < warmup:
        progress = float(step) / float(max(1, warmup))
        if warmup_type == 'linear':
            factor = progress
        elif warmup_type == 'cosine':
            factor = 0.5 * (1.0 - math.cos(math.pi * progress))
        else:
            factor = 1.0 - math.sqrt(1.0 - progress)
        factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
        return max(0.0, factor)
    if step < warmup + stable:
        return 1.0
    if step < warmup + stable + decay:
        progress = float(step - warmup - stable) / float(max(1, decay))
        if decay_type == 'linear':
            factor = 1.0 - progress
        elif decay_type == 'cosine':
            factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        else:
            factor = 1.0 - math.sqrt(progress)
        factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
        return max(0.0, factor)
    return min_lr_ratio


def run(trace_id, scheduler, base_lr, steps, make, reference):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    trace = {'format': 'golden/1', 'kind': 'scheduler', 'id': trace_id, 'reference': reference,
             'scheduler': scheduler, 'baseLr': base_lr, 'steps': steps, 'lrs': lrs}
    with open(os.path.join(GOLDEN, trace_id + '.json'), 'w') as f:
        json.dump(trace, f)
    print(trace_id, lrs[:3], lrs[-2:])


TORCH = 'torch %s (float64)' % torch.__version__
WSD = 'transformers get_wsd_schedule lambda (optimization.py _get_wsd_scheduler_lambda) via torch %s LambdaLR' % torch.__version__

if __name__ == '__main__':
    run('sched-polynomial', {'name': 'polynomial', 'options': {'totalIters': 20, 'power': 2.0}}, 0.1, 30,
        lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=20, power=2.0), TORCH)
    run('sched-polynomial-default', {'name': 'polynomial', 'options': {}}, 0.05, 8,
        lambda o: torch.optim.lr_scheduler.PolynomialLR(o), TORCH)
    for name, kw, steps in [
        ('sched-wsd', dict(warmup=5, stable=10, decay=8), 30),
        ('sched-wsd-1sqrt', dict(warmup=4, stable=6, decay=10, warmup_type='cosine', decay_type='1-sqrt', min_lr_ratio=0.1), 25),
        ('sched-wsd-linear', dict(warmup=0, stable=3, decay=7, decay_type='linear', min_lr_ratio=0.05, warmup_type='1-sqrt'), 14),
    ]:
        opts = {'warmupSteps': kw['warmup'], 'stableSteps': kw['stable'], 'decaySteps': kw['decay']}
        for k, n in [('warmup_type', 'warmupType'), ('decay_type', 'decayType'), ('min_lr_ratio', 'minLrRatio')]:
            if k in kw:
                opts[n] = kw[k]
        run(name, {'name': 'wsd', 'options': opts}, 0.2, steps,
            lambda o, kw=kw: torch.optim.lr_scheduler.LambdaLR(o, lambda s: wsd_lambda(s, **kw)), WSD)
