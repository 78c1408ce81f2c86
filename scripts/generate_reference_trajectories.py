#!/usr/bin/env python3
"""Generates Tests/OptimizersTests/Fixtures/optimizer-trajectories-extra.json: optimizer trajectories
for hyperparameters and gradient sequences other than ../shared/reference's, in the trace format.

PyTorch (float64) computes every form it has; the forms it lacks (Keras-style eps placements, the
efficient eps-hat form, Adam without bias correction, the pre-v8 beta1 decay, AdamW's unscaled decay,
schedules) come from PAPER.md's equations written out below in numpy, independently of the Swift code.

    ~/.peers-venv/bin/python scripts/generate_reference_trajectories.py   # torch==2.13.0+cpu, numpy
"""
import json
import math
import pathlib

import numpy as np
import torch

DIM, STEPS = 7, 30
rng = np.random.default_rng(2026)
scales = np.array([1e-3, 1e-1, 1.0, 10.0, 100.0, 1.0, 0.0])  # the last coordinate never sees a gradient


def gradients():
    g = rng.standard_normal((STEPS, DIM)) * scales
    g[5, :] = 0.0  # one all-zero step
    return g


def torch_run(factory, initial, grads):
    p = torch.tensor(initial, dtype=torch.float64, requires_grad=True)
    opt = factory([p])
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy().tolist())
    return out


def numpy_run(update, initial, grads):
    p = np.array(initial, dtype=np.float64)
    state = {}
    out = []
    for t, g in enumerate(grads, start=1):
        p = update(p, np.asarray(g, dtype=np.float64), t, state)
        out.append(p.tolist())
    return out


def adam_equations(lr, b1, b2, eps, mode="paper", bias_correction=True, lam=1.0, schedule="constant",
                   wd=0.0, wd_unscaled=False):
    def update(p, g, t, s):
        lr_t = lr / math.sqrt(t) if schedule == "inverse-sqrt" else lr
        eta = (1 / math.sqrt(t) if schedule == "inverse-sqrt" else 1.0) if wd_unscaled else lr_t
        b1t = b1 * lam ** (t - 1)
        m = s.get("m", np.zeros_like(p)); v = s.get("v", np.zeros_like(p))
        m = b1t * m + (1 - b1t) * g
        v = b2 * v + (1 - b2) * g * g
        s["m"], s["v"] = m, v
        bc1 = 1 - b1 ** t if bias_correction else 1.0
        bc2 = 1 - b2 ** t if bias_correction else 1.0
        p = p * (1 - eta * wd)
        if mode == "paper":
            return p - lr_t * (m / bc1) / (np.sqrt(v / bc2) + eps)
        return p - lr_t * math.sqrt(bc2) / bc1 * m / (np.sqrt(v) + eps)
    return update


def adagrad_inside(lr, eps, s0):
    def update(p, g, t, s):
        acc = s.get("s", np.full_like(p, s0)) + g * g
        s["s"] = acc
        return p - lr * g / np.sqrt(acc + eps)
    return update


def adamax_outside(lr, b1, b2, eps):
    def update(p, g, t, s):
        m = b1 * s.get("m", np.zeros_like(p)) + (1 - b1) * g
        u = np.maximum(b2 * s.get("u", np.zeros_like(p)), np.abs(g))
        s["m"], s["u"] = m, u
        return p - lr / (1 - b1 ** t) * m / (u + eps)
    return update


def sgd_inverse_sqrt(lr):
    return lambda p, g, t, s: p - lr / math.sqrt(t) * g


O = torch.optim
cases = [
    ("sgd-large-lr", "sgd", {"lr": 0.2}, "torch", lambda ps: O.SGD(ps, lr=0.2)),
    ("momentum-0.5", "momentum", {"lr": 0.03, "momentum": 0.5}, "torch", lambda ps: O.SGD(ps, lr=0.03, momentum=0.5)),
    ("nesterov-0.99", "nesterov", {"lr": 0.01, "momentum": 0.99}, "torch",
     lambda ps: O.SGD(ps, lr=0.01, momentum=0.99, nesterov=True)),
    ("adagrad-initial-accumulator", "adagrad", {"lr": 0.5, "epsilon": 1e-6, "initial-accumulator": 0.3}, "torch",
     lambda ps: O.Adagrad(ps, lr=0.5, eps=1e-6, initial_accumulator_value=0.3)),
    ("rmsprop-0.99", "rmsprop", {"lr": 0.003, "rho": 0.99, "epsilon": 1e-5}, "torch",
     lambda ps: O.RMSprop(ps, lr=0.003, alpha=0.99, eps=1e-5)),
    ("adadelta-0.9", "adadelta", {"lr": 0.5, "rho": 0.9, "epsilon": 1e-5}, "torch",
     lambda ps: O.Adadelta(ps, lr=0.5, rho=0.9, eps=1e-5)),
    ("adam-beta1-0", "adam", {"lr": 0.05, "beta1": 0.0, "beta2": 0.99, "epsilon": 1e-8}, "torch",
     lambda ps: O.Adam(ps, lr=0.05, betas=(0.0, 0.99), eps=1e-8)),
    ("adam-beta2-0.9999", "adam", {"lr": 0.002, "beta1": 0.9, "beta2": 0.9999, "epsilon": 1e-6}, "torch",
     lambda ps: O.Adam(ps, lr=0.002, betas=(0.9, 0.9999), eps=1e-6)),
    ("adamax-0.8", "adamax", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6}, "torch",
     lambda ps: O.Adamax(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6)),
    ("nadam-psi-1", "nadam", {"lr": 0.01, "beta1": 0.95, "beta2": 0.99, "epsilon": 1e-8, "momentum-decay": 1.0}, "torch",
     lambda ps: O.NAdam(ps, lr=0.01, betas=(0.95, 0.99), eps=1e-8, momentum_decay=1.0)),
    ("amsgrad-0.95", "amsgrad", {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-8}, "torch",
     lambda ps: O.Adam(ps, lr=0.02, betas=(0.8, 0.95), eps=1e-8, amsgrad=True)),
    ("adamw-0.1", "adamw", {"lr": 0.02, "beta2": 0.99, "weight-decay": 0.1}, "torch",
     lambda ps: O.AdamW(ps, lr=0.02, betas=(0.9, 0.99), weight_decay=0.1)),
    ("adagrad-epsilon-inside", "adagrad", {"lr": 0.1, "epsilon": 1e-7, "initial-accumulator": 0.1,
                                           "epsilon-placement": "inside"}, "numpy", adagrad_inside(0.1, 1e-7, 0.1)),
    ("adamax-epsilon-outside", "adamax", {"lr": 0.01, "epsilon": 1e-7, "epsilon-placement": "outside"}, "numpy",
     adamax_outside(0.01, 0.9, 0.999, 1e-7)),
    ("adam-hat-no-bias-correction", "adam", {"lr": 0.01, "beta1": 0.0, "beta2": 0.999, "epsilon": 1e-4,
                                             "epsilon-mode": "hat", "bias-correction": False}, "numpy",
     adam_equations(0.01, 0.0, 0.999, 1e-4, mode="hat", bias_correction=False)),
    ("adam-beta1-decay", "adam", {"lr": 0.01, "beta1-decay": 0.9}, "numpy",
     adam_equations(0.01, 0.9, 0.999, 1e-8, lam=0.9)),
    ("adam-keras-preset", "adam", {"preset": "keras", "lr": 0.03}, "numpy",
     adam_equations(0.03, 0.9, 0.999, 1e-7, mode="hat")),
    ("adamw-unscaled-inverse-sqrt", "adamw", {"lr": 0.05, "weight-decay": 0.2, "weight-decay-mode": "unscaled",
                                              "schedule": "inverse-sqrt"}, "numpy",
     adam_equations(0.05, 0.9, 0.999, 1e-8, schedule="inverse-sqrt", wd=0.2, wd_unscaled=True)),
    ("sgd-inverse-sqrt", "sgd", {"lr": 0.1, "schedule": "inverse-sqrt"}, "numpy", sgd_inverse_sqrt(0.1)),
]

out = []
for case_id, name, hyper, source, make in cases:
    initial = rng.standard_normal(DIM).tolist()
    grads = gradients()
    trajectory = torch_run(make, initial, grads) if source == "torch" else numpy_run(make, initial, grads)
    out.append({"id": case_id, "optimizer": name, "hyperparameters": hyper, "initial": initial,
                "gradients": grads.tolist(), "trajectory": trajectory,
                "source": "torch.optim (float64)" if source == "torch" else "paper equations (numpy float64)"})

doc = {"generator": f"scripts/generate_reference_trajectories.py; torch {torch.__version__}, numpy {np.__version__}, float64",
       "contract": "trajectory[k] is the parameter vector after step k+1", "cases": out}
target = pathlib.Path(__file__).resolve().parent.parent / "Tests/OptimizersTests/Fixtures/optimizer-trajectories-extra.json"
target.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {len(out)} cases to {target}")
