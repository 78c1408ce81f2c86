#!/usr/bin/env python3
"""Generates Tests/QuasiNewtonTests/Fixtures/lbfgs-quadratic-reference.json: torch.optim.LBFGS
(strong-Wolfe line search, float64) on a sum of 10 strongly convex quadratics in 50 dimensions with
condition number 1e4, the problem issue 8 names. The Swift test rebuilds the same problem from the
stored factors and checks its L-BFGS iterates against these to 1e-8.

Problem: f_i(x) = 1/2 (x - x*)^T A_i (x - x*) + b_i^T (x - x*),  A_i = U diag(lambda * w_i) U^T,
lambda log-spaced in [1, 1e4], w_i uniform in [0.5, 1.5], U a random orthogonal matrix, b_i standard
normal minus their mean (so sum_i b_i = 0: the subfunctions' minimizers differ, the sum's is x*, and
F(x*) = 0, which keeps the loss accurate near the minimizer); x* and x0 standard normal.

Horizon: 60 iterations per case. Rounding differences (BLAS summation order, fused multiply-adds)
start at 1e-16 and grow about tenfold every 5 iterations on this ill-conditioned problem in both
directions (measured against a longer trajectory: 4e-10 after 60 iterations, 1e-8 after 75), so
a longer fixture would test the rounding, not the algorithm.

    ~/.peers-venv/bin/python scripts/generate_lbfgs_reference.py   # torch==2.13.0+cpu, numpy
"""
import json
import pathlib

import numpy as np
import torch

N, DIM = 10, 50
rng = np.random.default_rng(2014)
u, _ = np.linalg.qr(rng.standard_normal((DIM, DIM)))
lam = np.logspace(0, 4, DIM)
w = rng.uniform(0.5, 1.5, (N, DIM))
b = rng.standard_normal((N, DIM))
b -= b.mean(0)
x_star = rng.standard_normal(DIM)
x0 = rng.standard_normal(DIM)
A = np.stack([(u * (lam * w[i])) @ u.T for i in range(N)])


def loss_and_grad(x):
    total = 0.0
    grad = torch.zeros_like(x)
    for i in range(N):
        d = x - torch.from_numpy(x_star)
        ad = torch.from_numpy(A[i]) @ d
        bi = torch.from_numpy(b[i])
        total = total + (0.5 * d.dot(ad) + bi.dot(d))
        grad = grad + (ad + bi)
    return total, grad


def trajectory(steps, **options):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([x], line_search_fn="strong_wolfe", history_size=10, **options)

    def closure():
        opt.zero_grad()
        f, g = loss_and_grad(x.detach())
        x.grad = g.clone()
        return f

    points, losses = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure)))
        points.append(x.detach().numpy().tolist())
    return {"options": options, "losses": losses, "points": points,
            "function_evaluations": opt.state[x]["func_evals"]}


cases = {
    "one-iteration-steps": trajectory(60, max_iter=1, max_eval=25, tolerance_grad=1e-300, tolerance_change=1e-300),
    "default-steps": trajectory(3, tolerance_grad=1e-300, tolerance_change=1e-300),
}
out = {
    "generator": "scripts/generate_lbfgs_reference.py",
    "torch": torch.__version__,
    "numpy": np.__version__,
    "problem": {"subfunctions": N, "dimension": DIM, "U": u.tolist(), "lambda": lam.tolist(), "w": w.tolist(),
                "b": b.tolist(), "x0": x0.tolist(), "x_star": x_star.tolist(),
                "condition_number": float(np.linalg.cond(A.sum(0)))},
    "cases": cases,
}
path = pathlib.Path(__file__).resolve().parent.parent / "Tests/QuasiNewtonTests/Fixtures/lbfgs-quadratic-reference.json"
path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
for name, case in cases.items():
    err = np.linalg.norm(np.array(case["points"][-1]) - x_star) / np.linalg.norm(x_star)
    print(name, "final relative error", err, "evaluations", case["function_evaluations"])
print("condition number", out["problem"]["condition_number"])
