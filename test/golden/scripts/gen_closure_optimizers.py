#!/usr/bin/python3
"""Golden traces for the closure optimizers (kind "optimizer" with `closure: true`).

    /usr/bin/python3 test/golden/scripts/gen_closure_optimizers.py

L-BFGS is torch.optim.LBFGS 1.13 itself, stepped with a closure. SAM/ASAM are not in PyTorch:
a float64 port of davda54/sam (sam.py: first_step, second_step) around torch 1.13's SGD as the
base optimizer. Problems as in gen_optimizers_issue18.py.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_optimizers_issue18 import GOLDEN, QUAD, QUAD_INIT, ROSEN, ROSEN_INIT, loss_and_grad  # noqa: E402

TORCH = 'torch %s (float64)' % torch.__version__


def run(trace_id, optimizer, problem_name, shapes, steps, make_opt, step_fn, reference, subdir=''):
    problem = {'name': 'quadratic', 'A': QUAD['A'], 'b': QUAD['b']} if problem_name == 'quadratic' else ROSEN
    init = QUAD_INIT if problem_name == 'quadratic' else ROSEN_INIT
    ts, o = [], 0
    for s in shapes:
        n = int(np.prod(s)) if s else 1
        ts.append(torch.tensor(init[o:o + n], dtype=torch.float64).reshape(s).requires_grad_(True))
        o += n
    opt = make_opt(ts)

    def closure():
        theta = np.concatenate([t.detach().numpy().reshape(-1) for t in ts])
        loss, g = loss_and_grad(problem, theta)
        o = 0
        for t in ts:
            t.grad = torch.tensor(g[o:o + t.numel()], dtype=torch.float64).reshape(t.shape)
            o += t.numel()
        return loss

    losses, trajectory = [], []
    for _ in range(steps):
        losses.append(float(step_fn(opt, closure)))
        trajectory.append([float(v) for t in ts for v in t.detach().numpy().reshape(-1)])
    trace = {
        'format': 'golden/1', 'kind': 'optimizer', 'id': trace_id, 'reference': reference, 'closure': True,
        'optimizer': optimizer, 'problem': problem, 'shapes': shapes, 'init': init, 'steps': steps,
        'losses': losses, 'trajectory': trajectory,
    }
    os.makedirs(os.path.join(GOLDEN, subdir), exist_ok=True)
    with open(os.path.join(GOLDEN, subdir, trace_id + '.json'), 'w') as f:
        json.dump(trace, f)
    print(trace_id, 'final loss', losses[-1])


class SAM:
    """davda54/sam sam.py (first_step / second_step), float64; base: a torch.optim optimizer."""

    def __init__(self, params, base_cls, rho, adaptive, **kwargs):
        self.params, self.rho, self.adaptive = params, rho, adaptive
        self.base = base_cls(params, **kwargs)

    def step(self, closure):
        with torch.no_grad():
            loss = closure()
            norm = torch.norm(torch.stack([((torch.abs(p) if self.adaptive else 1.0) * p.grad).norm(p=2) for p in self.params]), p=2)
            scale = self.rho / (norm + 1e-12)
            old = []
            for p in self.params:
                old.append(p.data.clone())
                e_w = (torch.pow(p, 2) if self.adaptive else 1.0) * p.grad * scale.to(p)
                p.add_(e_w)
        closure()
        with torch.no_grad():
            for p, o in zip(self.params, old):
                p.data = o
        self.base.step()
        return loss


SAM_REF = 'davda54/sam sam.py (SAM.first_step/second_step) ported to float64 around torch %s SGD' % torch.__version__

if __name__ == '__main__':
    q, rb = 'quadratic', 'rosenbrock'
    lbfgs_step = lambda opt, closure: opt.step(closure)  # noqa: E731
    run('opt-lbfgs-quadratic', {'name': 'lbfgs', 'options': {'lr': 1.0}}, q, [[2, 2], [3]], 5,
        lambda ts: torch.optim.LBFGS(ts, lr=1.0), lbfgs_step, TORCH)
    run('opt-lbfgs-history-quadratic', {'name': 'lbfgs', 'options': {'lr': 0.5, 'maxIter': 4, 'historySize': 3}}, q, [[2, 2], [3]], 12,
        lambda ts: torch.optim.LBFGS(ts, lr=0.5, max_iter=4, history_size=3), lbfgs_step, TORCH)
    run('opt-lbfgs-wolfe-quadratic', {'name': 'lbfgs', 'options': {'lr': 1.0, 'lineSearch': 'strong_wolfe', 'maxIter': 5}}, q, [[2, 2], [3]], 6,
        lambda ts: torch.optim.LBFGS(ts, lr=1.0, max_iter=5, line_search_fn='strong_wolfe'), lbfgs_step, TORCH)
    # float64 only (test/golden/float64-only): the line search branches on comparisons that float32
    # rounding flips on this ill-conditioned problem, so the float32 suite cannot hold it.
    run('opt-lbfgs-wolfe-rosenbrock', {'name': 'lbfgs', 'options': {'lr': 1.0, 'lineSearch': 'strong_wolfe', 'maxIter': 10, 'historySize': 10}}, rb, [[2]], 6,
        lambda ts: torch.optim.LBFGS(ts, lr=1.0, max_iter=10, history_size=10, line_search_fn='strong_wolfe'), lbfgs_step, TORCH, 'float64-only')
    run('opt-lbfgs-rosenbrock', {'name': 'lbfgs', 'options': {'lr': 0.01, 'maxIter': 10}}, rb, [[2]], 10,
        lambda ts: torch.optim.LBFGS(ts, lr=0.01, max_iter=10), lbfgs_step, TORCH)
    sam_step = lambda opt, closure: opt.step(closure)  # noqa: E731
    run('opt-sam-quadratic', {'name': 'sam', 'options': {'rho': 0.05, 'base': {'name': 'sgd', 'options': {'lr': 0.02, 'momentum': 0.9}}}}, q, [[2, 2], [3]], 60,
        lambda ts: SAM(ts, torch.optim.SGD, 0.05, False, lr=0.02, momentum=0.9), sam_step, SAM_REF)
    run('opt-asam-quadratic', {'name': 'asam', 'options': {'rho': 0.2, 'base': {'name': 'adam', 'options': {'lr': 0.05}}}}, q, [[2, 2], [3]], 60,
        lambda ts: SAM(ts, torch.optim.Adam, 0.2, True, lr=0.05), sam_step, SAM_REF.replace('SGD', 'SGD/Adam'))
