#!/usr/bin/env python3
"""OpenBLAS SGEMM GFLOP/s through numpy (float32 matmul), at the sizes of `GraphGen.Bench sgemm`,
and through torch.matmul when PyTorch is installed (Debian's python3-torch uses the same BLAS).

Run with the machine's OpenBLAS overrides removed, so OpenBLAS picks its own kernel:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/sgemm_numpy.py
Needs Debian's python3-numpy and libopenblas0-pthread (numpy uses whatever libblas.so.3 the
alternatives system selects; the script prints it).
"""
import os
import time

import numpy as np

SQUARE = [256, 512, 1024, 2048]
# (m, n, k, form): one training step of a 64-32-10 MLP at batch 32.
SMALL = [(32, 32, 64, "A·Bᵀ"), (32, 10, 32, "A·Bᵀ"), (32, 32, 10, "A·B"), (10, 32, 32, "Aᵀ·B"), (32, 64, 32, "Aᵀ·B")]
# Batch-1 inference through a 784-256-10 MLP.
ROWS = [(1, 256, 784, "A·Bᵀ"), (1, 10, 256, "A·Bᵀ")]


def best_seconds(action, runs=15, warmup=0.3, run_seconds=0.03):
    """Best seconds per call after warm-up, each run repeating the call for ~run_seconds."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < warmup or calls < 50:
        action()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    reps = max(1, int(run_seconds / per_call))
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(reps):
            action()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


def report(m, n, k, form, library="numpy"):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if form == "Aᵀ·B" else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if form == "A·Bᵀ" else (k, n)).astype(np.float32)
    c = np.empty((m, n), dtype=np.float32)
    lhs = a.T if form == "Aᵀ·B" else a
    rhs = b.T if form == "A·Bᵀ" else b
    if library == "torch":
        import torch
        lhs, rhs, c = torch.from_numpy(np.ascontiguousarray(a)), torch.from_numpy(np.ascontiguousarray(b)), torch.from_numpy(c)
        lhs = lhs.t() if form == "Aᵀ·B" else lhs
        rhs = rhs.t() if form == "A·Bᵀ" else rhs
        seconds = best_seconds(lambda: torch.matmul(lhs, rhs, out=c))
    else:
        seconds = best_seconds(lambda: np.matmul(lhs, rhs, out=c))
    gflops = 2.0 * m * n * k / seconds / 1e9
    shown = f"{seconds * 1e6:.2f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.3f} ms"
    print(f"{f'{m}x{n}x{k}':<20} {form:<6} {shown:>12} {gflops:9.1f}  {library}")
    return seconds


def main():
    blas = "unknown"
    try:
        blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    except OSError:
        pass
    print(f"numpy {np.__version__} SGEMM via {blas}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}")
    libraries = ["numpy"]
    try:
        import torch
        libraries.append("torch")
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    except ImportError:
        pass
    print(f"{'shape':<20} {'form':<6} {'time':>12} {'GFLOP/s':>9}")
    for library in libraries:
        for s in SQUARE:
            report(s, s, s, "A·B", library)
        report(1024, 1024, 1024, "A·Bᵀ", library)
        report(1024, 1024, 1024, "Aᵀ·B", library)
        total = sum(report(*shape, library) for shape in SMALL)
        print(f"MLP 64-32-10 batch 32, five GEMMs of a training step ({library}): {total * 1e6:.2f} µs")
        for shape in ROWS:
            report(*shape, library)


if __name__ == "__main__":
    main()
