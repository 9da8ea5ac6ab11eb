#!/usr/bin/env python3
"""PyTorch's time for the cases of networks.py (the four MLPs, LeNet-5, FashionResNet, TinyGpt): one
Adam training step (forward, softmax cross-entropy, backward, update) and one inference pass, in µs.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/mlp_torch.py [case...]

Prints one line per case: name, training µs and its thread count, inference µs and its thread count.
The peer runs at its best: each case is timed with every thread count from 1 to the core count
(torch.set_num_threads) and the fastest is reported, with the thread count it needed. libtorch's
allocator frees to glibc; run with GLIBC_TUNABLES (see compare.py) to keep those buffers mapped.
Needs Debian's python3-torch (apt-get install python3-torch); the comparison script installs it.
"""
import os
import sys
import time

import torch

from networks import CASES, loss, sample_batch


def best_seconds(action, runs=15, warmup=0.3, run_seconds=0.03):
    """Best seconds per call after warm-up, each run repeating the call for ~run_seconds (as GraphGen's Measure)."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < warmup or calls < 50:
        action()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    reps = max(1, int(run_seconds / per_call))
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(reps):
            action()
        best = min(best, (time.perf_counter() - t) / reps)
    return best


def measure(case):
    """(training seconds, inference seconds) of a fresh network for this case."""
    torch.manual_seed(0)
    net = case.build()
    x, y = sample_batch(case)
    # foreach: one multi-tensor update instead of a loop over parameters; on this machine it was as fast
    # or faster on every case (e.g. 784-256-128-10: 2.1 against 2.6 ms), so the peer runs with it.
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4, foreach=True)

    def train():
        optimizer.zero_grad(set_to_none=True)
        loss(case, net(x), y).backward()
        optimizer.step()

    def infer():
        with torch.inference_mode():  # no autograd bookkeeping at all (lighter than no_grad)
            net(x)

    train_seconds = best_seconds(train)
    net.eval()  # inference as GraphGen's Forward: BatchNorm with running statistics
    return train_seconds, best_seconds(infer)


def main():
    cores = os.cpu_count() or 1
    wanted = set(sys.argv[1:])
    print(f"torch {torch.__version__}, {cores} cores, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"GLIBC_TUNABLES={os.environ.get('GLIBC_TUNABLES', 'unset')}")
    print(f"{'case':<24} {'train µs':>10} {'threads':>8} {'infer µs':>10} {'threads':>8}")
    for case in CASES:
        if wanted and case.name not in wanted and case.stem not in wanted:
            continue
        best_train, best_infer = (float("inf"), 0), (float("inf"), 0)
        for threads in range(1, cores + 1):
            torch.set_num_threads(threads)
            train, infer = measure(case)
            best_train = min(best_train, (train, threads))
            best_infer = min(best_infer, (infer, threads))
        print(f"{case.name:<24} {best_train[0] * 1e6:10.1f} {best_train[1]:8d} {best_infer[0] * 1e6:10.1f} {best_infer[1]:8d}", flush=True)


if __name__ == "__main__":
    main()
