#!/usr/bin/python3
"""Reference for the `averaged` optimizer: torch 1.13 SGD (momentum) on the quadratic of
test/golden/opt-adam-quadratic.json, with torch.optim.swa_utils.AveragedModel updated after every
step from step start+1 on (every `every` steps): SWA (its default avg_fn) and EMA
(get_ema_avg_fn's decay·avg + (1 − decay)·θ, written as avg_fn since 1.13 has no get_ema_avg_fn).

    /usr/bin/python3 test/golden/scripts/gen_averaged_model.py
"""
import json
import os

import torch
from torch.optim.swa_utils import AveragedModel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
QUAD = json.load(open(os.path.join(ROOT, 'test/golden/opt-adam-quadratic.json')))['problem']
A = torch.tensor(QUAD['A'], dtype=torch.float64)
B = torch.tensor(QUAD['b'], dtype=torch.float64)
INIT = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0, -0.5]


def run(averaging, decay, start, every, steps=40):
    model = torch.nn.Module()
    model.w = torch.nn.Parameter(torch.tensor(INIT[:4], dtype=torch.float64).reshape(2, 2))
    model.b = torch.nn.Parameter(torch.tensor(INIT[4:], dtype=torch.float64))
    opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    avg_fn = None if averaging == 'swa' else (lambda a, m, n: decay * a + (1 - decay) * m)
    avg = AveragedModel(model, avg_fn=avg_fn)
    averages = []
    for step in range(1, steps + 1):
        theta = torch.cat([model.w.reshape(-1), model.b])
        g = A @ theta.detach() - B
        model.w.grad = g[:4].reshape(2, 2).clone()
        model.b.grad = g[4:].clone()
        opt.step()
        if step > start and (step - start - 1) % every == 0:
            avg.update_parameters(model)
        averages.append([float(v) for p in avg.module.parameters() for v in p.detach().reshape(-1)])
    return {'options': {'inner': {'name': 'sgd', 'options': {'lr': 0.02, 'momentum': 0.9}}, 'averaging': averaging, 'decay': decay, 'start': start, 'every': every},
            'steps': steps, 'averages': averages}


if __name__ == '__main__':
    out = {'reference': 'torch %s SGD + torch.optim.swa_utils.AveragedModel (float64)' % torch.__version__,
           'shapes': [[2, 2], [3]], 'init': INIT, 'problem': 'quadratic of test/golden/opt-adam-quadratic.json',
           'runs': [run('swa', 0.999, 0, 1), run('swa', 0.999, 10, 3), run('ema', 0.9, 5, 1)]}
    path = os.path.join(ROOT, 'packages/optim/test/fixtures/averaged-model.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f)
    print('wrote', path)
