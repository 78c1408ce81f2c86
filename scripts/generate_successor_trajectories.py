#!/usr/bin/env python3
"""Generates Tests/OptimizersTests/Fixtures/successor-trajectories.json: trajectories of Adam's
successors computed by their reference implementations, in the trace format (`adam-bench trace`).

    python3 scripts/generate_successor_trajectories.py

The references are installed, pinned, into this script's own venv (.build/successors-venv; never a
dependency of the package) on first use, and the script re-runs itself there:
torch.optim.RAdam and torch.optim.Adafactor (torch 2.13.0+cpu; Adafactor's cases give the tensor
shapes that partition the vector, the trace contract's "tensors"), adabelief-pytorch 0.2.1 (the authors' package), lion-pytorch
0.2.5, schedulefree 1.4.1 (AdamWScheduleFree: the trajectory is its train-mode parameters y, and
"evaluation" its eval-mode point x = lerp(y, z, 1 - 1/beta1), what `optimizer.eval()` sets, computed
without switching modes). The schedules (cosine, step, linear warm-up) come from
torch.optim.lr_scheduler, stepped after every optimizer step. Everything is float64; 30 steps on 7 coordinates whose gradient scales span 1e-3 to 100, one
all-zero step, and a coordinate that never sees a gradient.
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".build" / "successors-venv"
PACKAGES = ["torch==2.13.0+cpu", "adabelief-pytorch==0.2.1", "lion-pytorch==0.2.5", "schedulefree==1.4.1", "numpy"]
TARGET = ROOT / "Tests/OptimizersTests/Fixtures/successor-trajectories.json"


def ensure_venv():
    """Re-executes this script in its venv, creating it first when needed."""
    python = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", *PACKAGES])
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def main():
    import numpy as np
    import torch
    from adabelief_pytorch import AdaBelief
    from lion_pytorch import Lion
    from schedulefree import AdamWScheduleFree

    dim, steps = 7, 30
    rng = np.random.default_rng(2027)
    scales = np.array([1e-3, 1e-1, 1.0, 10.0, 100.0, 1.0, 0.0])  # the last coordinate never sees a gradient

    def gradients():
        g = rng.standard_normal((steps, dim)) * scales
        g[5, :] = 0.0  # one all-zero step
        return g

    def run(factory, initial, grads):
        """The parameters after each step, and for Schedule-Free the eval-mode point after each step."""
        p = torch.tensor(initial, dtype=torch.float64, requires_grad=True)
        opt = factory([p])
        schedule_free = isinstance(opt, AdamWScheduleFree)
        if schedule_free:
            opt.train()
        out, evaluation = [], []
        for g in grads:
            p.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
            out.append(p.detach().numpy().copy().tolist())
            if schedule_free:
                beta1 = opt.param_groups[0]["betas"][0]
                x = torch.lerp(p.detach(), opt.state[p]["z"], 1 - 1 / beta1)
                evaluation.append(x.numpy().copy().tolist())
        return out, (evaluation if schedule_free else None)

    def run_scheduled(factory, scheduler, initial, grads):
        """As `run`, with a torch.optim.lr_scheduler stepped after every optimizer step."""
        p = torch.tensor(initial, dtype=torch.float64, requires_grad=True)
        opt = factory([p])
        sched = scheduler(opt)
        out = []
        for g in grads:
            p.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
            sched.step()
            out.append(p.detach().numpy().copy().tolist())
        return out

    def run_tensors(factory, initial, grads, shapes):
        """As `run`, with the vector split into tensors of `shapes` (row-major), one parameter each."""
        sizes = [int(np.prod(shape)) for shape in shapes]
        offsets = np.cumsum([0] + sizes)
        ps = [torch.tensor(np.array(initial[a:b]).reshape(shape), dtype=torch.float64, requires_grad=True)
              for a, b, shape in zip(offsets, offsets[1:], shapes)]
        opt = factory(ps)
        out = []
        for g in grads:
            for p, a, b, shape in zip(ps, offsets, offsets[1:], shapes):
                p.grad = torch.tensor(np.array(g[a:b]).reshape(shape), dtype=torch.float64)
            opt.step()
            out.append(np.concatenate([p.detach().numpy().reshape(-1) for p in ps]).tolist())
        return out

    O = torch.optim

    def belief(**kw):
        return lambda ps: AdaBelief(ps, print_change_log=False, **kw)

    cases = [
        ("radam-lr-0.01", "radam", {"lr": 0.01}, "torch.optim.RAdam", lambda ps: O.RAdam(ps, lr=0.01)),
        ("radam-beta2-0.99-coupled-decay", "radam", {"lr": 0.03, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6,
                                                     "weight-decay": 0.1}, "torch.optim.RAdam",
         lambda ps: O.RAdam(ps, lr=0.03, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
        ("radam-decoupled-decay", "radam", {"lr": 0.02, "weight-decay": 0.2, "decoupled-weight-decay": True},
         "torch.optim.RAdam", lambda ps: O.RAdam(ps, lr=0.02, weight_decay=0.2, decoupled_weight_decay=True)),
        ("adabelief-lr-0.01", "adabelief", {"lr": 0.01}, "adabelief-pytorch", belief(lr=0.01)),
        ("adabelief-unrectified", "adabelief", {"lr": 0.01, "beta2": 0.99, "epsilon": 1e-8, "rectify": False},
         "adabelief-pytorch", belief(lr=0.01, betas=(0.9, 0.99), eps=1e-8, rectify=False)),
        ("adabelief-amsgrad-unrectified", "adabelief", {"lr": 0.02, "epsilon": 1e-10, "rectify": False,
                                                        "amsgrad": True}, "adabelief-pytorch",
         belief(lr=0.02, eps=1e-10, rectify=False, amsgrad=True)),
        ("adabelief-amsgrad-rectified", "adabelief", {"lr": 0.02, "beta2": 0.99, "amsgrad": True},
         "adabelief-pytorch", belief(lr=0.02, betas=(0.9, 0.99), amsgrad=True)),
        ("adabelief-decoupled-decay", "adabelief", {"lr": 0.01, "weight-decay": 0.3}, "adabelief-pytorch",
         belief(lr=0.01, weight_decay=0.3)),
        ("adabelief-coupled-decay", "adabelief", {"lr": 0.01, "weight-decay": 0.05, "decoupled-weight-decay": False,
                                                  "rectify": False}, "adabelief-pytorch",
         belief(lr=0.01, weight_decay=0.05, weight_decouple=False, rectify=False)),
        ("schedule-free-lr-0.01", "schedule-free-adamw", {"lr": 0.01}, "schedulefree.AdamWScheduleFree",
         lambda ps: AdamWScheduleFree(ps, lr=0.01)),
        ("schedule-free-warmup-decay-r", "schedule-free-adamw", {"lr": 0.02, "beta1": 0.95, "beta2": 0.99,
                                                                 "epsilon": 1e-6, "weight-decay": 0.05,
                                                                 "warmup-steps": 8, "r": 0.5,
                                                                 "weight-lr-power": 1.0},
         "schedulefree.AdamWScheduleFree",
         lambda ps: AdamWScheduleFree(ps, lr=0.02, betas=(0.95, 0.99), eps=1e-6, weight_decay=0.05, warmup_steps=8,
                                      r=0.5, weight_lr_power=1.0)),
        ("lion-lr-0.001", "lion", {"lr": 0.001}, "lion-pytorch", lambda ps: Lion(ps, lr=0.001)),
        ("lion-betas-decay", "lion", {"lr": 0.003, "beta1": 0.95, "beta2": 0.98, "weight-decay": 0.5},
         "lion-pytorch", lambda ps: Lion(ps, lr=0.003, betas=(0.95, 0.98), weight_decay=0.5)),
    ]

    # Adafactor, tensor by tensor: a matrix, a bias vector and a stack of matrices (factored over
    # the last two dimensions), 28 coordinates whose gradient scales span 1e-2 to 10.
    shapes = [[3, 4], [4], [2, 2, 3]]
    tensor_cases = [
        ("adafactor-lr-0.01", {"lr": 0.01}, lambda ps: O.Adafactor(ps, lr=0.01)),
        ("adafactor-decay-clip-eps", {"lr": 0.05, "beta2-decay": -0.5, "epsilon1": 1e-20, "epsilon2": 1e-2,
                                      "clip-threshold": 1.5, "weight-decay": 0.1},
         lambda ps: O.Adafactor(ps, lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.1)),
        ("adafactor-relative-step", {"lr": 0.8}, lambda ps: O.Adafactor(ps, lr=0.8)),
    ]

    out = []
    for case_id, hyper, make in tensor_cases:
        size = sum(int(np.prod(shape)) for shape in shapes)
        initial = rng.standard_normal(size).tolist()
        grads = rng.standard_normal((steps, size)) * np.resize([1e-2, 1e-1, 1.0, 10.0], size)
        grads[5, :] = 0.0
        out.append({"id": case_id, "optimizer": "adafactor", "hyperparameters": hyper, "tensors": shapes,
                    "initial": initial, "gradients": grads.tolist(),
                    "trajectory": run_tensors(make, initial, grads, shapes),
                    "source": "torch.optim.Adafactor (float64)"})
    # The schedules, by torch.optim.lr_scheduler: the case's 30 steps are the run's horizon.
    S = torch.optim.lr_scheduler
    schedule_cases = [
        ("adam-cosine-floor", "adam", {"lr": 0.05, "schedule": "cosine", "schedule-floor": 1e-3}, 1,
         lambda ps: O.Adam(ps, lr=0.05), lambda o: S.CosineAnnealingLR(o, T_max=steps, eta_min=1e-3)),
        ("adamw-warmup-cosine", "adamw", {"lr": 0.02, "weight-decay": 0.1, "schedule": "cosine",
                                         "schedule-warmup": 5}, 1,
         lambda ps: O.AdamW(ps, lr=0.02, weight_decay=0.1),
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=1 / 5, total_iters=4),
                                      S.CosineAnnealingLR(o, T_max=steps - 5)], milestones=[5])),
        ("momentum-step", "momentum", {"lr": 0.1, "schedule": "step", "step-factor": 0.5, "step-epochs": 2}, 3,
         lambda ps: O.SGD(ps, lr=0.1, momentum=0.9), lambda o: S.StepLR(o, step_size=2 * 3, gamma=0.5)),
        ("radam-warmup-constant", "radam", {"lr": 0.01, "schedule-warmup": 8}, 1, lambda ps: O.RAdam(ps, lr=0.01),
         lambda o: S.LinearLR(o, start_factor=1 / 8, total_iters=7)),
        ("lion-warmup-step", "lion", {"lr": 0.002, "schedule": "step", "schedule-warmup": 4, "step-factor": 0.3,
                                      "step-epochs": 1}, 5, lambda ps: Lion(ps, lr=0.002),
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=1 / 4, total_iters=3),
                                      S.StepLR(o, step_size=5, gamma=0.3)], milestones=[4])),
    ]
    for case_id, name, hyper, per_epoch, make, scheduler in schedule_cases:
        initial = rng.standard_normal(dim).tolist()
        grads = gradients()
        case = {"id": case_id, "optimizer": name, "hyperparameters": hyper, "initial": initial,
                "gradients": grads.tolist(), "trajectory": run_scheduled(make, scheduler, initial, grads),
                "source": "torch.optim.lr_scheduler (float64)"}
        if per_epoch != 1:
            case["steps-per-epoch"] = per_epoch
        out.append(case)
    # The same on one vector (no shapes given: one tensor).
    initial = rng.standard_normal(dim).tolist()
    grads = gradients()
    out.append({"id": "adafactor-vector", "optimizer": "adafactor", "hyperparameters": {"lr": 0.02},
                "initial": initial, "gradients": grads.tolist(),
                "trajectory": run_tensors(lambda ps: O.Adafactor(ps, lr=0.02), initial, grads, [[dim]]),
                "source": "torch.optim.Adafactor (float64)"})
    for case_id, name, hyper, source, make in cases:
        initial = rng.standard_normal(dim).tolist()
        grads = gradients()
        trajectory, evaluation = run(make, initial, grads)
        case = {"id": case_id, "optimizer": name, "hyperparameters": hyper, "initial": initial,
                "gradients": grads.tolist(), "trajectory": trajectory, "source": f"{source} (float64)"}
        if evaluation is not None:
            case["evaluation"] = evaluation
        out.append(case)
    import importlib.metadata as metadata
    versions = ", ".join(f"{p} {metadata.version(p)}"
                         for p in ["torch", "adabelief-pytorch", "lion-pytorch", "schedulefree", "numpy"])
    doc = {"generator": f"scripts/generate_successor_trajectories.py; {versions}; float64",
           "contract": "trajectory[k] is the parameter vector after step k+1; evaluation[k] the point the model is "
                       "evaluated at then (Schedule-Free's eval mode)", "cases": out}
    TARGET.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(out)} cases to {TARGET}")


if __name__ == "__main__":
    ensure_venv()
    main()
