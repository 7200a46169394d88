#!/usr/bin/python3
"""Golden traces (kind "optimizer", golden/1) for the optimizers of issue 18.

Run with PyTorch 1.13's interpreter from the repository root:
    /usr/bin/python3 test/golden/scripts/gen_optimizers_issue18.py

Adadelta is torch.optim.Adadelta 1.13 itself. The others are newer than PyTorch 1.13, so this
script holds float64 numpy ports of the reference code named in each trace's `reference` field
(same operations in the same order; torch's lerp formula where the reference uses lerp_).
Problems: the quadratic of test/golden/opt-adam-quadratic.json, and Rosenbrock a=1, b=100.
Options are chosen so each trace is also float32-stable over 3/4 of its steps
(packages/optim/test/golden_float32.test.ts): Prodigy and D-Adaptation start from a larger d0
with a bounded growthRate, since with d0 = 1e-6 their first steps are below float32 resolution.
"""
import json
import math
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.dirname(HERE)
QUAD = json.load(open(os.path.join(GOLDEN, 'opt-adam-quadratic.json')))['problem']
A = np.array(QUAD['A'], dtype=np.float64)
B = np.array(QUAD['b'], dtype=np.float64)
QUAD_INIT = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0, -0.5]
ROSEN = {'name': 'rosenbrock', 'a': 1.0, 'b': 100.0}
ROSEN_INIT = [-1.5, 2.0]


def loss_and_grad(problem, theta):
    if problem['name'] == 'quadratic':
        at = A @ theta
        return float(0.5 * theta @ at - B @ theta), at - B
    a, b = problem['a'], problem['b']
    x, y = theta
    r = y - x * x
    return float((a - x) ** 2 + b * r * r), np.array([-2 * (a - x) - 4 * b * x * r, 2 * b * r])


def lerp(start, end, weight):
    """torch.lerp with a scalar weight (ATen Lerp.h): small weights from the start, others from the end."""
    diff = end - start
    return start + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)


def run(trace_id, optimizer, problem_name, shapes, steps, make_step, reference):
    """make_step(params) -> step(params, grads) that updates the list of float64 arrays in place."""
    problem = {'name': 'quadratic', 'A': QUAD['A'], 'b': QUAD['b']} if problem_name == 'quadratic' else ROSEN
    init = QUAD_INIT if problem_name == 'quadratic' else ROSEN_INIT
    params, o = [], 0
    for s in shapes:
        n = int(np.prod(s)) if s else 1
        params.append(np.array(init[o:o + n], dtype=np.float64).reshape(s))
        o += n
    step = make_step(params)
    losses, trajectory = [], []
    for _ in range(steps):
        theta = np.concatenate([p.reshape(-1) for p in params])
        loss, g = loss_and_grad(problem, theta)
        losses.append(loss)
        grads, o = [], 0
        for p in params:
            grads.append(g[o:o + p.size].reshape(p.shape).copy())
            o += p.size
        step(params, grads)
        trajectory.append([float(v) for p in params for v in p.reshape(-1)])
    trace = {
        'format': 'golden/1', 'kind': 'optimizer', 'id': trace_id, 'reference': reference,
        'optimizer': optimizer, 'problem': problem, 'shapes': shapes, 'init': init, 'steps': steps,
        'losses': losses, 'trajectory': trajectory,
    }
    with open(os.path.join(GOLDEN, trace_id + '.json'), 'w') as f:
        json.dump(trace, f)
    print(trace_id, 'final loss', losses[-1])


def torch_step(cls, **kwargs):
    """A step function driving a torch.optim optimizer on float64 copies of the parameters."""
    def make(params):
        ts = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
        opt = cls(ts, **kwargs)

        def step(params, grads):
            for t, g in zip(ts, grads):
                t.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
            for p, t in zip(params, ts):
                p[...] = t.detach().numpy()
        return step
    return make


TORCH = 'torch %s (float64)' % torch.__version__


# ── Adafactor: torch.optim.Adafactor, pytorch/pytorch@051d6a0 torch/optim/_adafactor.py (single tensor) ──
def adafactor(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0):
    def make(params):
        st = [{'step': 0, 'row': np.zeros(p.shape[:-1] + (1,)) if p.ndim > 1 else None,
               'col': np.zeros(p.shape[:-2] + (1, p.shape[-1])) if p.ndim > 1 else None,
               'var': np.zeros(p.shape) if p.ndim <= 1 else None} for p in params]

        def step(params, grads):
            for p, g, s in zip(params, grads, st):
                eps1 = np.finfo(np.float64).eps if eps[0] is None else eps[0]
                eps2 = eps[1]
                s['step'] += 1
                t = float(s['step'])
                one_minus_beta2_t = t ** beta2_decay
                rho_t = min(lr, 1 / (t ** 0.5))
                alpha = max(eps2, math.sqrt(float(np.sum(p * p))) / (p.size ** 0.5)) * rho_t
                if weight_decay != 0:
                    p *= 1 - lr * weight_decay
                if g.ndim > 1:
                    row_mean = np.sqrt(np.sum(g * g, axis=-1, keepdims=True)) ** 2 / g.shape[-1]
                    s['row'] = lerp(s['row'], row_mean, one_minus_beta2_t)
                    col_mean = np.sqrt(np.sum(g * g, axis=-2, keepdims=True)) ** 2 / g.shape[-2]
                    s['col'] = lerp(s['col'], col_mean, one_minus_beta2_t)
                    var_estimate = s['row'] @ s['col']
                    var_estimate = var_estimate / np.maximum(s['row'].mean(axis=-2, keepdims=True), eps1)
                else:
                    s['var'] = lerp(s['var'], g * g, one_minus_beta2_t)
                    var_estimate = s['var'].copy()
                update = 1 / np.sqrt(np.maximum(var_estimate, eps1 * eps1))
                update = update * g
                denom = max(1.0, math.sqrt(float(np.sum(update * update))) / ((update.size ** 0.5) * d))
                p += (-alpha / denom) * update
        return step
    return make


ADAFACTOR_REF = 'torch.optim.Adafactor (pytorch/pytorch@051d6a09bb159a48ac11006c454c0c979511d0f3, torch/optim/_adafactor.py, single-tensor path) ported to numpy float64'


# ── Muon: torch.optim.Muon, pytorch/pytorch@098e03f torch/optim/_muon.py, without the bfloat16 cast ──
def newton_schulz(g, coeffs=(3.4445, -4.7750, 2.0315), steps=5, eps=1e-7):
    a, b, c = coeffs
    x = g.copy()
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    x = x / max(math.sqrt(float(np.sum(x * x))), eps)
    for _ in range(steps):
        gram = x @ x.T
        gram_update = b * gram + c * (gram @ gram)
        x = a * x + gram_update @ x
    return x.T if tall else x


def muon(lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, adjust='original', fallback=None):
    """2-D parameters: Muon; others: torch 1.13 AdamW with `fallback` options (Optax contrib.muon's split)."""
    def make(params):
        two_d = [p.ndim == 2 for p in params]
        bufs = [np.zeros(p.shape) if m else None for p, m in zip(params, two_d)]
        others = [p for p, m in zip(params, two_d) if not m]
        fb = torch_step(torch.optim.AdamW, **(fallback or {'lr': lr}))(others) if others else None

        def step(params, grads):
            for i, (p, g) in enumerate(zip(params, grads)):
                if not two_d[i]:
                    continue
                bufs[i] = lerp(bufs[i], g, 1 - momentum)
                update = lerp(g, bufs[i], momentum) if nesterov else bufs[i]
                o = newton_schulz(update)
                r, c = p.shape
                ratio = math.sqrt(max(1, r / c)) if adjust == 'original' else 0.2 * math.sqrt(max(r, c))
                p *= 1 - lr * weight_decay
                p += (-(lr * ratio)) * o
            if fb:
                fb([p for p, m in zip(params, two_d) if not m], [g for g, m in zip(grads, two_d) if not m])
        return step
    return make


MUON_REF = ('torch.optim.Muon (pytorch/pytorch@098e03f91de9384cc3afdf5c8b9a6bbc442bd66a, torch/optim/_muon.py) ported to numpy float64 '
            'without its bfloat16 cast; non-2-D parameters: torch %s AdamW (float64)' % torch.__version__)


# ── AdaBelief: juntang-zhuang/Adabelief-Optimizer adabelief_pytorch 0.2.1 (AdaBelief.py) ──
def adabelief(lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0, amsgrad=False, weight_decouple=True,
              fixed_decay=False, rectify=True, degenerated_to_sgd=True):
    def make(params):
        st = [{'step': 0, 'm': np.zeros(p.shape), 'v': np.zeros(p.shape), 'vmax': np.zeros(p.shape)} for p in params]

        def step(params, grads):
            beta1, beta2 = betas
            for p, g, s in zip(params, grads, st):
                if weight_decouple:
                    p *= (1.0 - lr * weight_decay) if not fixed_decay else (1.0 - weight_decay)
                elif weight_decay != 0:
                    g = g + weight_decay * p
                s['step'] += 1
                t = s['step']
                bc1 = 1 - beta1 ** t
                bc2 = 1 - beta2 ** t
                s['m'] = s['m'] * beta1 + (1 - beta1) * g
                res = g - s['m']
                s['v'] = s['v'] * beta2 + (1 - beta2) * res * res
                if amsgrad:
                    s['v'] = s['v'] + eps
                    s['vmax'] = np.maximum(s['vmax'], s['v'])
                    denom = np.sqrt(s['vmax']) / math.sqrt(bc2) + eps
                else:
                    s['v'] = s['v'] + eps
                    denom = np.sqrt(s['v']) / math.sqrt(bc2) + eps
                if not rectify:
                    p += (-(lr / bc1)) * (s['m'] / denom)
                    continue
                beta2_t = beta2 ** t
                n_sma_max = 2 / (1 - beta2) - 1
                n_sma = n_sma_max - 2 * t * beta2_t / (1 - beta2_t)
                if n_sma >= 5:
                    step_size = math.sqrt((1 - beta2_t) * (n_sma - 4) / (n_sma_max - 4) * (n_sma - 2) / n_sma * n_sma_max / (n_sma_max - 2)) / (1 - beta1 ** t)
                elif degenerated_to_sgd:
                    step_size = 1.0 / (1 - beta1 ** t)
                else:
                    step_size = -1
                if n_sma >= 5:
                    denom = np.sqrt(s['v']) + eps
                    p += (-step_size * lr) * (s['m'] / denom)
                elif step_size > 0:
                    p += (-step_size * lr) * s['m']
        return step
    return make


ADABELIEF_REF = 'juntang-zhuang/Adabelief-Optimizer adabelief_pytorch 0.2.1 (pypi_packages/adabelief_pytorch0.2.1/adabelief_pytorch/AdaBelief.py) ported to numpy float64'


# ── Yogi: Optax scale_by_yogi (google-deepmind/optax 0.2.x, transform.py), optax.yogi = chain(scale_by_yogi, scale_by_learning_rate) ──
def yogi(lr=1e-2, betas=(0.9, 0.999), eps=1e-3, initial_accumulator_value=1e-6):
    def make(params):
        st = {'count': 0, 'mu': [np.full(p.shape, initial_accumulator_value) for p in params],
              'nu': [np.full(p.shape, initial_accumulator_value) for p in params]}

        def step(params, grads):
            b1, b2 = betas
            st['count'] += 1
            t = st['count']
            for i, (p, g) in enumerate(zip(params, grads)):
                st['mu'][i] = (1 - b1) * g + b1 * st['mu'][i]
                g2 = g * g
                st['nu'][i] = st['nu'][i] - (1 - b2) * np.sign(st['nu'][i] - g2) * g2
                mu_hat = st['mu'][i] / (1 - b1 ** t)
                nu_hat = st['nu'][i] / (1 - b2 ** t)
                p += -lr * (mu_hat / (np.sqrt(nu_hat) + eps))
        return step
    return make


YOGI_REF = 'google-deepmind/optax 0.2.x optax.yogi (transform.scale_by_yogi, eps_root 0) ported to numpy float64'


# ── Adan: sail-sg/Adan adan.py (single tensor path), max_grad_norm 0 ──
def adan(lr=1e-3, betas=(0.98, 0.92, 0.99), eps=1e-8, weight_decay=0.0, no_prox=False):
    def make(params):
        st = {'step': 0, 'm': [np.zeros(p.shape) for p in params], 'v': [np.zeros(p.shape) for p in params],
              'n': [np.zeros(p.shape) for p in params], 'neg': [None for _ in params]}

        def step(params, grads):
            beta1, beta2, beta3 = betas
            st['step'] += 1
            t = st['step']
            bc1, bc2, bc3 = 1.0 - beta1 ** t, 1.0 - beta2 ** t, 1.0 - beta3 ** t
            for i, (p, g) in enumerate(zip(params, grads)):
                if st['neg'][i] is None or t == 1:
                    st['neg'][i] = g * -1.0
                neg = st['neg'][i] + g
                st['m'][i] = st['m'][i] * beta1 + (1 - beta1) * g
                st['v'][i] = st['v'][i] * beta2 + (1 - beta2) * neg
                neg = neg * beta2 + g
                st['n'][i] = st['n'][i] * beta3 + (1 - beta3) * neg * neg
                denom = np.sqrt(st['n'][i]) / math.sqrt(bc3) + eps
                step_size_diff = lr * beta2 / bc2
                step_size = lr / bc1
                if no_prox:
                    p *= 1 - lr * weight_decay
                    p += -step_size * (st['m'][i] / denom)
                    p += -step_size_diff * (st['v'][i] / denom)
                else:
                    p += -step_size * (st['m'][i] / denom)
                    p += -step_size_diff * (st['v'][i] / denom)
                    p /= 1 + lr * weight_decay
                st['neg'][i] = g * -1.0
        return step
    return make


ADAN_REF = 'sail-sg/Adan@d00ff6258e33ecec3a3e283e15e1e69034ed46b3 adan.py (single-tensor path, max_grad_norm 0) ported to numpy float64'


# ── Prodigy: konstmish/prodigy@a1b4f0e prodigyopt/prodigy.py (slice_p 1, one parameter group) ──
def prodigy(lr=1.0, betas=(0.9, 0.999), beta3=None, eps=1e-8, weight_decay=0.0, decouple=True, use_bias_correction=False,
            safeguard_warmup=False, d0=1e-6, d_coef=1.0, growth_rate=float('inf')):
    def make(params):
        g_ = {'d': d0, 'd_max': d0, 'd_numerator': 0.0, 'k': 0}
        st = [{'s': np.zeros(p.size), 'p0': p.reshape(-1).copy(), 'm': np.zeros(p.shape), 'v': np.zeros(p.shape)} for p in params]

        def step(params, grads):
            beta1, beta2 = betas
            b3 = math.sqrt(beta2) if beta3 is None else beta3
            k, d, d_max = g_['k'], g_['d'], g_['d_max']
            bias_correction = ((1 - beta2 ** (k + 1)) ** 0.5) / (1 - beta1 ** (k + 1)) if use_bias_correction else 1
            dlr = d * lr * bias_correction
            d_numerator = g_['d_numerator'] * b3
            delta_numerator = 0.0
            d_denom = 0.0
            gs = []
            for p, g, s in zip(params, grads, st):
                if weight_decay != 0 and not decouple:
                    g = g + weight_decay * p
                gs.append(g)
                if lr > 0.0:
                    sg = g.reshape(-1)
                    delta_numerator += (d / d0) * dlr * float(np.dot(sg, s['p0'] - p.reshape(-1)))
                    if beta1 > 0:
                        s['m'] = s['m'] * beta1 + (d * (1 - beta1)) * g
                    s['v'] = s['v'] * beta2 + (d * d * (1 - beta2)) * g * g
                    s['s'] = s['s'] * b3 + (((d / d0) * d) if safeguard_warmup else ((d / d0) * dlr)) * sg
                    d_denom += float(np.sum(np.abs(s['s'])))
            if d_denom == 0:
                return
            d_hat = d
            if lr > 0.0:
                global_d_numerator = d_numerator + delta_numerator
                d_hat = d_coef * global_d_numerator / d_denom
                if d == d0:
                    d = max(d, d_hat)
                d_max = max(d_max, d_hat)
                d = min(d_max, d * growth_rate)
            g_.update({'d_numerator': global_d_numerator, 'd': d, 'd_max': d_max})
            for p, g, s in zip(params, gs, st):
                denom = np.sqrt(s['v']) + d * eps
                if weight_decay != 0 and decouple:
                    p += (-weight_decay * dlr) * p
                if beta1 > 0:
                    p += -dlr * (s['m'] / denom)
                else:
                    p += (-dlr * d) * (g / denom)
            g_['k'] = k + 1
        return step
    return make


PRODIGY_REF = 'konstmish/prodigy@a1b4f0eff7ef988ac10d6f11f26b0da15d254588 prodigyopt/prodigy.py (slice_p 1) ported to numpy float64'


# ── D-Adaptation Adam: facebookresearch/dadaptation v3.2 dadaptation/dadapt_adam.py ──
def dadapt_adam(lr=1.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decouple=False, use_bias_correction=False,
                d0=1e-6, growth_rate=float('inf')):
    def make(params):
        g_ = {'d': d0, 'numerator_weighted': 0.0, 'k': 0}
        st = [{'s': np.zeros(p.shape), 'm': np.zeros(p.shape), 'v': np.zeros(p.shape)} for p in params]

        def step(params, grads):
            beta1, beta2 = betas
            k, d = g_['k'], g_['d']
            bias_correction = ((1 - beta2 ** (k + 1)) ** 0.5) / (1 - beta1 ** (k + 1)) if use_bias_correction else 1
            dlr = d * lr * bias_correction
            sqrt_beta2 = beta2 ** 0.5
            numerator_acum = 0.0
            sk_l1 = 0.0
            for p, g, s in zip(params, grads, st):
                if weight_decay != 0 and not decouple:
                    g = g + weight_decay * p
                if lr > 0.0:
                    denom = np.sqrt(s['v']) + eps
                    numerator_acum += dlr * float(np.dot(g.reshape(-1), (s['s'] / denom).reshape(-1)))
                    s['m'] = s['m'] * beta1 + (dlr * (1 - beta1)) * g
                    s['v'] = s['v'] * beta2 + (1 - beta2) * g * g
                    s['s'] = s['s'] * sqrt_beta2 + (dlr * (1 - sqrt_beta2)) * g
                    sk_l1 += float(np.sum(np.abs(s['s'])))
            if sk_l1 == 0:
                return
            global_numerator_weighted = sqrt_beta2 * g_['numerator_weighted'] + (1 - sqrt_beta2) * numerator_acum
            if lr > 0.0:
                d_hat = global_numerator_weighted / ((1 - sqrt_beta2) * sk_l1)
                d = max(d, min(d_hat, d * growth_rate))
            g_.update({'numerator_weighted': global_numerator_weighted, 'd': d})
            for p, s in zip(params, st):
                denom = np.sqrt(s['v']) + eps
                if weight_decay != 0 and decouple:
                    p += (-weight_decay * dlr) * p
                p += -1 * (s['m'] / denom)
            g_['k'] = k + 1
        return step
    return make


DADAPT_REF = 'facebookresearch/dadaptation v3.2 dadaptation/dadapt_adam.py (DAdaptAdam, one parameter group) ported to numpy float64'


# ── Schedule-Free: facebookresearch/schedule_free schedulefree/{sgd,adamw}_schedulefree.py (non-foreach path) ──
def schedule_free(kind, lr, betas=(0.9, 0.999), momentum=0.9, eps=1e-8, weight_decay=0.0, warmup_steps=0, r=0.0, weight_lr_power=2.0):
    def make(params):
        g_ = {'k': 0, 'weight_sum': 0.0, 'lr_max': -1.0}
        z = [p.copy() for p in params]
        v = [np.zeros(p.shape) for p in params]

        def step(params, grads):
            k = g_['k']
            beta1 = betas[0] if kind == 'adamw' else momentum
            sched = (k + 1) / warmup_steps if k < warmup_steps else 1.0
            lr_t = lr * sched
            lr_max = g_['lr_max'] = max(lr_t, g_['lr_max'])
            weight = ((k + 1) ** r) * (lr_max ** weight_lr_power)
            weight_sum = g_['weight_sum'] = g_['weight_sum'] + weight
            ckp1 = weight / weight_sum if weight_sum != 0 else 0
            for i, (p, g) in enumerate(zip(params, grads)):
                if kind == 'adamw':
                    beta2 = betas[1]
                    bc2 = 1 - beta2 ** (k + 1)
                    v[i] = v[i] * beta2 + (1 - beta2) * g * g
                    denom = np.sqrt(v[i] / bc2) + eps
                    g = g / denom
                if weight_decay != 0:
                    g = g + weight_decay * p
                p[...] = lerp(p, z[i], ckp1)
                p += (lr_t * (beta1 * (1 - ckp1) - 1)) * g
                z[i] = z[i] - lr_t * g
            g_['k'] = k + 1
        return step
    return make


SF_REF = 'facebookresearch/schedule_free@b3be06f3df5670edfa9af00b8d52413b1f00b7ec schedulefree/%s_schedulefree.py (non-foreach path, train mode) ported to numpy float64'


if __name__ == '__main__':
    q, rb = 'quadratic', 'rosenbrock'
    run('opt-adadelta-quadratic', {'name': 'adadelta', 'options': {'lr': 1.0}}, q, [[2, 2], [3]], 60, torch_step(torch.optim.Adadelta, lr=1.0), TORCH)
    run('opt-adadelta-wd-rosenbrock', {'name': 'adadelta', 'options': {'lr': 1.0, 'rho': 0.95, 'eps': 1e-5, 'weightDecay': 0.01}}, rb, [[2]], 150,
        torch_step(torch.optim.Adadelta, lr=1.0, rho=0.95, eps=1e-5, weight_decay=0.01), TORCH)
    run('opt-adafactor-quadratic', {'name': 'adafactor', 'options': {'lr': 0.05}}, q, [[2, 2], [3]], 60, adafactor(lr=0.05), ADAFACTOR_REF)
    run('opt-adafactor-wd-quadratic', {'name': 'adafactor', 'options': {'lr': 0.03, 'weightDecay': 0.05, 'd': 1.5, 'eps': [1e-3, 1e-3], 'beta2Decay': -0.6}},
        q, [[1, 2, 3], [1]], 60, adafactor(lr=0.03, weight_decay=0.05, d=1.5, eps=(1e-3, 1e-3), beta2_decay=-0.6), ADAFACTOR_REF)
    run('opt-adafactor-rosenbrock', {'name': 'adafactor', 'options': {'lr': 0.1}}, rb, [[2]], 150, adafactor(lr=0.1), ADAFACTOR_REF)
    run('opt-adabelief-quadratic', {'name': 'adabelief', 'options': {'lr': 0.05}}, q, [[2, 2], [3]], 60, adabelief(lr=0.05), ADABELIEF_REF)
    run('opt-adabelief-plain-rosenbrock', {'name': 'adabelief', 'options': {'lr': 0.02, 'eps': 1e-8, 'rectify': False, 'weightDecay': 0.01, 'weightDecouple': False}},
        rb, [[2]], 150, adabelief(lr=0.02, eps=1e-8, rectify=False, weight_decay=0.01, weight_decouple=False), ADABELIEF_REF)
    run('opt-adabelief-amsgrad-quadratic', {'name': 'adabelief', 'options': {'lr': 0.05, 'amsgrad': True, 'weightDecay': 0.1}}, q, [[2, 2], [3]], 60,
        adabelief(lr=0.05, amsgrad=True, weight_decay=0.1), ADABELIEF_REF)
    run('opt-yogi-quadratic', {'name': 'yogi', 'options': {'lr': 0.05}}, q, [[2, 2], [3]], 60, yogi(lr=0.05), YOGI_REF)
    run('opt-yogi-rosenbrock', {'name': 'yogi', 'options': {'lr': 0.05}}, rb, [[2]], 150, yogi(lr=0.05), YOGI_REF)
    run('opt-adan-quadratic', {'name': 'adan', 'options': {'lr': 0.05, 'weightDecay': 0.02}}, q, [[2, 2], [3]], 60, adan(lr=0.05, weight_decay=0.02), ADAN_REF)
    run('opt-adan-noprox-rosenbrock', {'name': 'adan', 'options': {'lr': 0.02, 'weightDecay': 0.02, 'noProx': True}}, rb, [[2]], 150,
        adan(lr=0.02, weight_decay=0.02, no_prox=True), ADAN_REF)
    run('opt-muon-quadratic', {'name': 'muon', 'options': {'lr': 0.05, 'fallback': {'name': 'adamw', 'options': {'lr': 0.05}}}}, q, [[2, 2], [3]], 60,
        muon(lr=0.05, fallback={'lr': 0.05}), MUON_REF)
    run('opt-muon-tall-quadratic', {'name': 'muon', 'options': {'lr': 0.02, 'weightDecay': 0.0, 'nesterov': False, 'momentum': 0.9,
                                                                 'fallback': {'name': 'adamw', 'options': {'lr': 0.1, 'weightDecay': 0.0}}}},
        q, [[3, 2], [1]], 60, muon(lr=0.02, weight_decay=0.0, nesterov=False, momentum=0.9, fallback={'lr': 0.1, 'weight_decay': 0.0}), MUON_REF)
    run('opt-muon-wide-quadratic', {'name': 'muon', 'options': {'lr': 0.02, 'adjustLr': 'match_rms_adamw'}}, q, [[2, 3], [1]], 60,
        muon(lr=0.02, adjust='match_rms_adamw'), MUON_REF)
    run('opt-prodigy-quadratic', {'name': 'prodigy', 'options': {'lr': 1.0, 'd0': 0.1, 'growthRate': 1.02}}, q, [[2, 2], [3]], 60, prodigy(d0=0.1, growth_rate=1.02), PRODIGY_REF)
    run('opt-prodigy-wd-rosenbrock', {'name': 'prodigy', 'options': {'lr': 1.0, 'weightDecay': 0.01, 'useBiasCorrection': True, 'safeguardWarmup': True, 'growthRate': 1.05, 'd0': 0.01}},
        rb, [[2]], 150, prodigy(d0=0.01, weight_decay=0.01, use_bias_correction=True, safeguard_warmup=True, growth_rate=1.05), PRODIGY_REF)
    run('opt-prodigy-coupled-quadratic', {'name': 'prodigy', 'options': {'lr': 0.5, 'betas': [0.0, 0.99], 'weightDecay': 0.01, 'decouple': False, 'dCoef': 2.0, 'd0': 0.1, 'growthRate': 1.02}},
        q, [[2, 2], [3]], 60, prodigy(d0=0.1, growth_rate=1.02, lr=0.5, betas=(0.0, 0.99), weight_decay=0.01, decouple=False, d_coef=2.0), PRODIGY_REF)
    run('opt-dadaptadam-quadratic', {'name': 'dadaptadam', 'options': {'lr': 1.0, 'd0': 0.01, 'growthRate': 1.05}}, q, [[2, 2], [3]], 60, dadapt_adam(d0=0.01, growth_rate=1.05), DADAPT_REF)
    run('opt-dadaptadam-wd-rosenbrock', {'name': 'dadaptadam', 'options': {'lr': 1.0, 'weightDecay': 0.01, 'decouple': True, 'useBiasCorrection': True, 'growthRate': 1.1}},
        rb, [[2]], 150, dadapt_adam(weight_decay=0.01, decouple=True, use_bias_correction=True, growth_rate=1.1), DADAPT_REF)
    run('opt-schedulefree-sgd-quadratic', {'name': 'schedulefree-sgd', 'options': {'lr': 0.02}}, q, [[2, 2], [3]], 60,
        schedule_free('sgd', lr=0.02), SF_REF % 'sgd')
    run('opt-schedulefree-sgd-wd-rosenbrock', {'name': 'schedulefree-sgd', 'options': {'lr': 5e-4, 'momentum': 0.8, 'weightDecay': 0.01, 'warmupSteps': 10, 'r': 1.0}},
        rb, [[2]], 150, schedule_free('sgd', lr=5e-4, momentum=0.8, weight_decay=0.01, warmup_steps=10, r=1.0), SF_REF % 'sgd')
    run('opt-schedulefree-adamw-quadratic', {'name': 'schedulefree-adamw', 'options': {'lr': 0.05}}, q, [[2, 2], [3]], 60,
        schedule_free('adamw', lr=0.05), SF_REF % 'adamw')
    run('opt-schedulefree-adamw-wd-rosenbrock', {'name': 'schedulefree-adamw', 'options': {'lr': 0.05, 'weightDecay': 0.01, 'warmupSteps': 20, 'weightLrPower': 1.0}},
        rb, [[2]], 150, schedule_free('adamw', lr=0.05, weight_decay=0.01, warmup_steps=20, weight_lr_power=1.0), SF_REF % 'adamw')
