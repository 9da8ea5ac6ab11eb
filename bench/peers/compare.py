#!/usr/bin/env python3
"""GraphGen against its peers in one go, on this machine: SGEMM against OpenBLAS (numpy), and the
four MLPs against PyTorch, with the ratios and the issue's targets.

    python3 bench/peers/compare.py [rounds]

Installs the peer if needed (apt-get install python3-torch python3-numpy). Runs GraphGen's
`quick` table and the peers alternately `rounds` times (default 2; the machine may be shared, so
each side keeps its best), the peers with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from
their environment. Targets (from the performance issue):
  SGEMM >= 85% of OpenBLAS at 1024 and 2048;
  training step <= max(PyTorch / 20, time at 75% of the OpenBLAS sgemm rate of the same run);
  inference     <= max(PyTorch / 10, time at 75% of that rate).
"""
import csv
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"
CASES = {"64-32-10 b32": (32, [64, 32, 10]), "784-128-10 b64": (64, [784, 128, 10]),
         "784-256-128-10 b128": (128, [784, 256, 128, 10]), "1024-1024-1024-10 b256": (256, [1024, 1024, 1024, 10])}
# Convolutional networks: reported side by side, without a target (the issue sets none).
CNN_CASES = ["lenet-5 b64", "resnet-fashion b64"]


def ensure_peer():
    probe = subprocess.run([PYTHON, "-c", "import torch, numpy"], capture_output=True)
    has_openblas = subprocess.run(["dpkg", "-s", "libopenblas0-pthread"], capture_output=True).returncode == 0
    if probe.returncode != 0 or not has_openblas:
        # numpy uses whatever BLAS the alternatives select: without OpenBLAS it would be the slow reference BLAS.
        packages = ["python3-torch", "python3-numpy", "libopenblas0-pthread"]
        print("installing the peer: apt-get install -y " + " ".join(packages))
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True)


def ours():
    dll = os.path.join(ROOT, "bench/GraphGen.Bench/bin/Release/net10.0/GraphGen.Bench.dll")
    subprocess.run(["dotnet", dll, "quick", "--no-eager"], check=True, stdout=subprocess.DEVNULL)
    values = {}
    with open(os.path.join(ROOT, "artifacts/bench/quick.csv")) as f:
        for row in csv.DictReader(f):
            values[(row["case"], row["metric"])] = float(row["value"])
    return values


def peers():
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    values = {}
    out = subprocess.run([PYTHON, os.path.join(ROOT, "bench/peers/sgemm_numpy.py")], env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^(\d+)x\1x\1\s+\S+\s+[\d.]+ \S+\s+([\d.]+)", line)
        if m:
            values[("sgemm " + m.group(1), "gflops")] = max(values.get(("sgemm " + m.group(1), "gflops"), 0), float(m.group(2)))
    out = subprocess.run([PYTHON, os.path.join(ROOT, "bench/peers/mlp_torch.py")], env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        for name in [*CASES, *CNN_CASES]:
            if line.startswith(name):
                fields = line[len(name):].split()
                values[(name, "train_step")] = float(fields[0])
                values[(name, "inference")] = float(fields[2])
    return values


def best(into, new, lower_is_better):
    for key, value in new.items():
        if key not in into:
            into[key] = value
        else:
            into[key] = min(into[key], value) if lower_is_better(key) else max(into[key], value)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    ensure_peer()
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", os.path.join(ROOT, "bench/GraphGen.Bench")], check=True, stdout=subprocess.DEVNULL)
    lower = lambda key: key[1] in ("train_step", "inference")
    g, p = {}, {}
    for _ in range(rounds):
        best(g, ours(), lower)
        best(p, peers(), lower)
    print(f"best of {rounds} rounds on {os.cpu_count()} cores")
    print(f"\n{'sgemm':<12} {'GraphGen GFLOP/s':>17} {'OpenBLAS GFLOP/s':>17} {'ratio':>7}  target >= 0.85")
    for n in (256, 512, 1024, 2048):
        key = ("sgemm %d" % n, "gflops")
        if key in g and key in p:
            print(f"{n:<12} {g[key]:17.1f} {p[key]:17.1f} {g[key] / p[key]:7.2f}  {'met' if n < 1024 or g[key] >= 0.85 * p[key] else 'NOT met'}")
    rate = 0.75 * max(p.get(("sgemm 1024", "gflops"), 0), p.get(("sgemm 2048", "gflops"), 0)) * 1e9
    print(f"\n{'MLP':<24} {'GraphGen µs':>11} {'PyTorch µs':>11} {'speedup':>8} {'target µs':>10}")
    for name, (batch, widths) in CASES.items():
        macs = sum(widths[i] * widths[i + 1] for i in range(len(widths) - 1))
        for metric, flops, factor in (("train_step", 6 * batch * macs, 20), ("inference", 2 * batch * macs, 10)):
            ours_us, peer_us = g.get((name, metric)), p.get((name, metric))
            if ours_us is None or peer_us is None:
                continue
            target = max(peer_us / factor, flops / rate * 1e6 if rate else 0)
            verdict = "met" if ours_us <= target else "NOT met"
            print(f"{name + ' ' + ('train' if metric == 'train_step' else 'infer'):<24} {ours_us:11.1f} {peer_us:11.1f} {peer_us / ours_us:8.1f} {target:10.1f}  {verdict}")
    print(f"\n{'CNN (no target)':<24} {'GraphGen µs':>11} {'PyTorch µs':>11} {'speedup':>8}")
    for name in CNN_CASES:
        for metric in ("train_step", "inference"):
            ours_us, peer_us = g.get((name, metric)), p.get((name, metric))
            if ours_us is not None and peer_us is not None:
                print(f"{name + ' ' + ('train' if metric == 'train_step' else 'infer'):<24} {ours_us:11.1f} {peer_us:11.1f} {peer_us / ours_us:8.1f}")


if __name__ == "__main__":
    main()
