#!/usr/bin/env python3
"""Times AdamBench's training steps side by side with PyTorch and JAX, one thread each, in rounds.

Each round runs `adam-bench bench models`, then the peers' scripts (../shared/peers: bench_torch.py
with fused Adam, bench_jax.py with optax under jit), all pinned to one core, and prints one Markdown
row per model: ms per step of each, and samples/s of ours over the faster peer of the same round (the
ratio the engine's targets are stated in). Rounds alternate the three, because the machine is shared
and its speed drifts; compare rows within a round, never absolute times across rounds.

    scripts/bench_side_by_side.py --rounds 2                 # (make bench-peers)
    scripts/bench_side_by_side.py --only mlp,cnn --python ~/.peers-venv/bin/python
"""
import argparse
import os
import subprocess
import sys

# Our benchmark row -> the peers' measurement names (several: the fastest counts) and the target ratio.
MODELS = {
    "logreg": (["logreg_mnist"], 2.0),
    "bow-logreg": (["bow_logreg_sparse_coo", "bow_logreg_sparse_csr", "bow_logreg_dense", "bow_logreg_sparse_bcoo"], 2.0),
    "mlp": (["mlp_mnist"], 1.2),
    "mlp-dropout": (["mlp_mnist_dropout"], 1.2),
    "cnn": (["cnn_cifar_poolsame"], 1.5),
    "vae-128": (["vae_mnist"], 1.2),
    # Adam's update alone on a flat vector of 10M floats (ours: `bench optimizers`; PyTorch fused, optax).
    "adam-10M": (["adam_10M_fused_elems_per_s", "optax_adam_10M_elems_per_s"], 1.0),
}


def run(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"bench_side_by_side: {' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def parse_ours(out):
    """`adam-bench bench models` rows (tab-separated: model, batch, median ms, ...) -> {model: ms}."""
    times = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] in MODELS:
            times[fields[0]] = float(fields[2])
    return times


def parse_peer(out):
    """The peers' rows ("<framework>.<model>.<optimizer> <threads> <median_ms> <per_second>";
    comment lines start with '#') -> {model: ms}."""
    times = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and not line.startswith("#"):
            parts = fields[0].split(".")
            if len(parts) >= 2:
                times[parts[1]] = float(fields[2])
    return times


def parse_ours_adam(out):
    """`adam-bench bench optimizers` rows (optimizer, parameters, median ms, elements/s) -> {"adam-10M": ms}."""
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] == "adam" and fields[1] == "10000000":
            return {"adam-10M": float(fields[2])}
    return {}


def ours(binary, core, seconds, only):
    models = [m for m in only if m != "adam-10M"]
    times = {}
    if models:
        times.update(parse_ours(run(["taskset", "-c", str(core), binary, "bench", "models", "--seconds", str(seconds),
                                     "--only", ",".join(models)])))
    if "adam-10M" in only:
        times.update(parse_ours_adam(run(["taskset", "-c", str(core), binary, "bench", "optimizers", "--only", "adam",
                                          "--parameters", "10000000", "--steps", "31"])))
    return times


def peer(python, script, core, seconds, only, extra, env):
    names = sorted({name for model in only for name in MODELS[model][0]})
    return parse_peer(run(["taskset", "-c", str(core), python, script, "--threads", "1", "--seconds", str(seconds),
                           "--only", ",".join(names)] + extra, env=env))


def fastest(times, names):
    return min((times[n] for n in names if n in times), default=None)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--core", type=int, default=0, help="the core every measurement is pinned to")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per model and measurement")
    parser.add_argument("--only", default=",".join(MODELS), help="comma-separated models: " + ", ".join(MODELS))
    parser.add_argument("--binary", default=os.path.join(here, "..", ".build", "release", "adam-bench"))
    parser.add_argument("--peers", default=os.environ.get("ADAMBENCH_SHARED", os.path.join(here, "..", "..", "shared")) + "/peers",
                        help="the folder of bench_torch.py and bench_jax.py")
    parser.add_argument("--python", default=os.path.expanduser("~/.peers-venv/bin/python"),
                        help="a Python with torch, jax and optax (../shared/peers/README.md says how to set one up)")
    args = parser.parse_args()
    only = [m for m in args.only.split(",") if m]
    unknown = [m for m in only if m not in MODELS]
    if unknown:
        sys.exit(f"bench_side_by_side: --only: unknown model {', '.join(unknown)}; expected some of {', '.join(MODELS)}")
    for path, what in [(args.binary, "--binary (run `make build`)"), (args.python, "--python"),
                       (os.path.join(args.peers, "bench_torch.py"), "--peers")]:
        if not os.path.exists(path):
            sys.exit(f"bench_side_by_side: {path} does not exist; set {what}")

    threads = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    jax_env = dict(os.environ, XLA_FLAGS="--xla_cpu_multi_thread_eigen=false")
    print("| round | model | AdamBench ms | PyTorch ms | JAX ms | ratio (samples/s vs the faster peer) | target |")
    print("|---|---|---|---|---|---|---|")
    for r in range(1, args.rounds + 1):
        mine = ours(args.binary, args.core, args.seconds, only)
        torch = peer(args.python, os.path.join(args.peers, "bench_torch.py"), args.core, args.seconds, only,
                     ["--adam", "fused"], threads)
        jax = peer(args.python, os.path.join(args.peers, "bench_jax.py"), args.core, args.seconds, only, [], jax_env)
        for model in only:
            names, target = MODELS[model]
            t, j = fastest(torch, names), fastest(jax, names)
            best = min([x for x in (t, j) if x is not None], default=None)
            ratio = f"{best / mine[model]:.2f}x" if best is not None and model in mine else "n/a"
            cell = lambda x: f"{x:.3f}" if x is not None else "n/a"
            print(f"| {r} | {model} | {cell(mine.get(model))} | {cell(t)} | {cell(j)} | {ratio} | {target}x |", flush=True)


if __name__ == "__main__":
    main()
