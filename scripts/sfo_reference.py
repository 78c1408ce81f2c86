#!/usr/bin/env python3
"""AdamBench's SFO beside the authors' reference implementation (issue 19). Optional: needs a copy
of https://github.com/Sohl-Dickstein/Sum-of-Functions-Optimizer (its sfo.py) at a path you give,
and NumPy. Nothing of the reference is vendored here; this script only imports it from --sfo.

  python3 scripts/sfo_reference.py quadratic --sfo PATH
      Subfunction evaluations the reference needs on the quadratic test problem
      (Tests/QuasiNewtonTests/Fixtures/lbfgs-quadratic-reference.json: 10 subfunctions, 50
      dimensions) to a relative error of 1e-4 and 1e-10, seeds 1-5, with its default subspace and
      with one spanning the space, minimum step length 1e-8 (its default) and 0.

  python3 scripts/sfo_reference.py fixture --sfo PATH [--out FILE]
      Regenerates Tests/QuasiNewtonTests/Fixtures/sfo-quadratic-reference.json: the reference's
      trajectory on the quadratic problem step by step, its random choices made deterministic
      (np.random.permutation -> the identity, np.random.randn() -> -1, +1, -1, ...: the
      `SFOChoices.firstChoice` of AdamBench's SFO), for a subspace spanning the space and for the
      default subspace up to its first collapse; and the evaluations its seeded runs (seeds 1-5,
      minimum step length 0) need to a relative error of 1e-10 with either subspace.

Run NumPy single-threaded for timings (OPENBLAS_NUM_THREADS=1).
"""

import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUADRATIC = os.path.join(ROOT, "Tests/QuasiNewtonTests/Fixtures/lbfgs-quadratic-reference.json")
FIXTURE = os.path.join(ROOT, "Tests/QuasiNewtonTests/Fixtures/sfo-quadratic-reference.json")


def load_reference(path):
    """The reference's module, imported from the folder holding sfo.py."""
    if not os.path.isfile(os.path.join(path, "sfo.py")):
        sys.exit(f"sfo_reference: {path}/sfo.py not found; expected a copy of "
                 "github.com/Sohl-Dickstein/Sum-of-Functions-Optimizer")
    sys.path.insert(0, path)
    import sfo  # noqa: E402  (the reference, from the user's path)
    return sfo


class Quadratic:
    """f_i(x) = 1/2 (x - x*)^T A_i (x - x*) + b_i^T (x - x*), as QuadraticSum.swift rebuilds it."""

    def __init__(self):
        p = json.load(open(QUADRATIC))["problem"]
        u, lam, w = np.array(p["U"]), np.array(p["lambda"]), np.array(p["w"])
        self.n, self.dimension = p["subfunctions"], p["dimension"]
        self.a = [u @ np.diag(lam * w[i]) @ u.T for i in range(self.n)]
        self.b = [np.array(p["b"][i]).reshape(-1, 1) for i in range(self.n)]
        self.x0 = np.array(p["x0"]).reshape(-1, 1)
        self.x_star = np.array(p["x_star"]).reshape(-1, 1)

    def f_df(self, x, i):
        d = x - self.x_star
        ad = self.a[i] @ d
        return (0.5 * d.T @ ad + self.b[i].T @ d).item(), ad + self.b[i]

    def total(self, x):
        return sum(self.f_df(x, i)[0] for i in range(self.n))

    def error(self, x):
        return float(np.linalg.norm(x - self.x_star) / np.linalg.norm(self.x_star))


def spanning(opt):
    """The state sfo.py's __init__ sets up when the subspace spans the space (M == K_max), for a
    problem whose 2N + 2 < M: P = I and every K_max-sized array resized."""
    m, n, history = opt.M, opt.N, opt.max_history
    opt.K_min = opt.K_max = m
    opt.P = np.eye(m)
    opt.K_current = m + 1
    opt.theta_proj = opt.P.T @ opt.theta
    opt.last_theta = np.tile(opt.theta_proj, (1, n))
    opt.last_df = np.zeros((m, n))
    opt.hist_deltatheta = np.zeros((m, history, n))
    opt.hist_deltadf = np.zeros((m, history, n))
    opt.b = np.zeros((m, 2 * history, n)).astype(complex)
    opt.full_H = np.zeros((m, m))


def evaluations(sfo, problem, span, minimum, seed, budget):
    """(evaluations to 1e-4, to 1e-10, final relative error) of one seeded reference run."""
    np.random.seed(seed)
    opt = sfo.SFO(problem.f_df, problem.x0.copy(), list(range(problem.n)), display=0,
                  minimum_step_length=minimum)
    if span:
        spanning(opt)
    to4 = None
    while problem.error(opt.theta) > 1e-10 and opt.eval_count_total < budget:
        opt.optimization_step()
        if to4 is None and problem.error(opt.theta) <= 1e-4:
            to4 = opt.eval_count_total
    return to4, int(opt.eval_count_total), problem.error(opt.theta)


def quadratic(sfo, args):
    problem = Quadratic()
    print("subspace\tminimum step\tseed\tevaluations to 1e-4\tto 1e-10\tfinal error")
    for span in (False, True):
        for minimum in args.minimum_step:
            for seed in range(1, 6):
                to4, total, error = evaluations(sfo, problem, span, minimum, seed, args.budget)
                name = "spanning" if span else "default"
                print(f"{name}\t{minimum:g}\t{seed}\t{to4}\t{total}\t{error:.3e}", flush=True)


def deterministic_choices():
    """np.random.permutation -> the identity; randn() -> -1, +1, ... (randn with a shape is not
    expected before the first collapse, and fails loudly)."""
    flips = {"n": 0}

    def permutation(x):
        return np.arange(x) if np.isscalar(x) else np.array(x)

    def randn(*shape):
        if shape:
            raise RuntimeError("collapse reached: the fixture stops before the first collapse")
        flips["n"] += 1
        return -1.0 if flips["n"] % 2 == 1 else 1.0

    np.random.permutation = permutation
    np.random.randn = randn


def trace(sfo, problem, span, steps, minimum):
    opt = sfo.SFO(problem.f_df, problem.x0.copy(), list(range(problem.n)), display=0,
                  minimum_step_length=minimum)
    if span:
        spanning(opt)
    chosen = []
    original = opt.get_target_index

    def target():
        j = original()
        chosen.append(int(j))
        return j

    opt.get_target_index = target
    records = []
    for _ in range(steps):
        try:
            opt.optimization_step()
        except RuntimeError:
            break
        records.append({
            "subfunction": chosen[-1],
            "evaluations": int(opt.eval_count_total),
            "failed": bool(opt.events.get("step_failure", False)),
            "active": int(np.sum(opt.active)),
            "loss": problem.total(opt.theta),
            "x": [float(v) for v in opt.theta.ravel()],
        })
    return {"spans_space": span, "minimum_step_length": minimum, "steps": records}


def fixture(sfo, args):
    problem = Quadratic()
    # Seeded runs first (NumPy's own generator), then the deterministic traces.
    counts = {
        name: [evaluations(sfo, problem, span, 0.0, seed, 100_000)[1] for seed in range(1, 6)]
        for name, span in (("default", False), ("spanning", True))
    }
    deterministic_choices()
    cases = {
        "spanning": trace(sfo, problem, True, args.steps, 0.0),
        "default-until-collapse": trace(sfo, problem, False, args.steps, 0.0),
    }
    reference = os.path.abspath(args.sfo)
    commit = os.popen(f"git -C '{reference}' rev-parse HEAD 2>/dev/null").read().strip() or "unknown"
    out = {
        "generator": "scripts/sfo_reference.py fixture",
        "reference": f"Sohl-Dickstein/Sum-of-Functions-Optimizer sfo.py at {commit}",
        "numpy": np.__version__,
        "problem": "Tests/QuasiNewtonTests/Fixtures/lbfgs-quadratic-reference.json",
        "choices": "np.random.permutation -> identity; np.random.randn() -> -1, +1, -1, ...",
        "cases": cases,
        "evaluations_to_1e-10": {"seeds": [1, 2, 3, 4, 5], "minimum_step_length": 0, **counts},
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    for name, case in cases.items():
        print(f"{name}: {len(case['steps'])} steps, final loss {case['steps'][-1]['loss']:.6e}")
    print(f"evaluations to 1e-10 (seeds 1-5): {counts}")
    print(f"wrote {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quadratic")
    q.add_argument("--sfo", required=True, help="folder holding the reference's sfo.py")
    q.add_argument("--budget", type=int, default=100_000, help="evaluations at most per run")
    q.add_argument("--minimum-step", type=float, nargs="+", default=[1e-8, 0.0],
                   help="minimum step lengths to run (the reference's default 1e-8 stops this problem "
                   "near 1e-9 relative error)")
    fx = sub.add_parser("fixture")
    fx.add_argument("--sfo", required=True, help="folder holding the reference's sfo.py")
    fx.add_argument("--steps", type=int, default=400)
    fx.add_argument("--out", default=FIXTURE)
    args = parser.parse_args()
    sfo = load_reference(args.sfo)
    {"quadratic": quadratic, "fixture": fixture}[args.command](sfo, args)


if __name__ == "__main__":
    main()
