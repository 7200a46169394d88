"""Reference trace for examples/plugin-package (AdaBelief, an optimizer newer than PyTorch 1.13).

The update is the authors' reference implementation, adabelief-pytorch 0.2.0
(https://github.com/juntang-zhuang/Adabelief-Optimizer, pypi/adabelief_pytorch/AdaBelief.py),
ported line for line for rectify=False, weight_decouple=False, weight_decay=0, amsgrad=False, in
torch float64. The problem (A, b, init, shapes) is the one of test/golden/opt-adam-quadratic.json.

Run: /usr/bin/python3 test/golden/scripts/gen_adabelief.py
"""
import json
import math
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..')
base = json.load(open(os.path.join(ROOT, 'test', 'golden', 'opt-adam-quadratic.json')))
A = torch.tensor(base['problem']['A'], dtype=torch.float64)
b = torch.tensor(base['problem']['b'], dtype=torch.float64)
lr, beta1, beta2, eps, steps = 0.05, 0.9, 0.999, 1e-8, 60

theta = torch.tensor(base['init'], dtype=torch.float64, requires_grad=True)
exp_avg = torch.zeros_like(theta)
exp_avg_var = torch.zeros_like(theta)
losses, trajectory = [], []
for step in range(1, steps + 1):
    loss = 0.5 * theta @ (A @ theta) - b @ theta
    losses.append(loss.item())
    (grad,) = torch.autograd.grad(loss, theta)
    with torch.no_grad():
        # adabelief-pytorch 0.2.0, AdaBelief.step (rectify=False, no weight decay):
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        grad_residual = grad - exp_avg
        exp_avg_var.mul_(beta2).addcmul_(grad_residual, grad_residual, value=1 - beta2)
        denom = (exp_avg_var.add_(eps).sqrt() / math.sqrt(bias_correction2)).add_(eps)
        step_size = lr / bias_correction1
        theta.addcdiv_(exp_avg, denom, value=-step_size)
    trajectory.append(theta.detach().tolist())

trace = {
    'format': 'golden/1', 'kind': 'optimizer', 'id': 'opt-adabelief-quadratic',
    'reference': 'adabelief-pytorch 0.2.0 AdaBelief.step (rectify=False), ported to torch %s float64 by test/golden/scripts/gen_adabelief.py' % torch.__version__,
    'optimizer': {'name': 'adabelief', 'options': {'lr': lr, 'betas': [beta1, beta2], 'eps': eps}},
    'problem': base['problem'], 'shapes': base['shapes'], 'init': base['init'], 'steps': steps,
    'losses': losses,
    # one list per step, each parameter flattened in order (FORMAT.md)
    'trajectory': trajectory,
}
out = os.path.join(ROOT, 'examples', 'plugin-package', 'golden', 'opt-adabelief-quadratic.json')
with open(out, 'w') as f:
    json.dump(trace, f)
print('wrote', out)
