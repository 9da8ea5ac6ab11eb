#!/usr/bin/env python3
"""PyTorch's time for the four MLPs and the LeNet-5 of `GraphGen.Bench quick`: one Adam training
step (forward, softmax cross-entropy, backward, update) and one inference pass, in microseconds.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/mlp_torch.py

The peer runs at its best: each case is timed with every thread count from 1 to the core count
(torch.set_num_threads) and the fastest is reported, with the thread count it needed.
Needs Debian's python3-torch (apt-get install python3-torch); the comparison script installs it.
"""
import os
import time

import torch

CASES = [
    ("64-32-10 b32", 32, [64, 32, 10]),
    ("784-128-10 b64", 64, [784, 128, 10]),
    ("784-256-128-10 b128", 128, [784, 256, 128, 10]),
    ("1024-1024-1024-10 b256", 256, [1024, 1024, 1024, 10]),
]


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


def model(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def lenet5():
    """LeNet-5 as GraphGen's examples/LeNet: conv 1→6 5×5 pad 2, max pool 2, conv 6→16 5×5, max pool 2, dense 400→120→84→10, ReLU."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))


class Block(torch.nn.Module):
    """conv-BN-ReLU-conv-BN added to the input, then ReLU (examples/FashionResNet's block)."""

    def __init__(self, channels):
        super().__init__()
        self.f = torch.nn.Sequential(
            torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False), torch.nn.BatchNorm2d(channels), torch.nn.ReLU(),
            torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False), torch.nn.BatchNorm2d(channels))

    def forward(self, h):
        return torch.relu(h + self.f(h))


def resnet_fashion():
    """GraphGen's examples/FashionResNet: stem, max pool, a 16-channel block, stride-2 conv to 32, a 32-channel block, GAP, linear."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1, bias=False), torch.nn.BatchNorm2d(16), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        Block(16),
        torch.nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False), torch.nn.BatchNorm2d(32), torch.nn.ReLU(),
        Block(32),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(32, 10))


CNN_CASES = [("lenet-5 b64", 64, lenet5, (1, 28, 28), 10), ("resnet-fashion b64", 64, resnet_fashion, (1, 28, 28), 10)]


def measure(batch, widths):
    return measure_model(batch, model(widths), (widths[0],), widths[-1])


def measure_model(batch, net, input_shape, classes):
    torch.manual_seed(0)
    x = torch.rand(batch, *input_shape) - 0.5
    y = torch.randint(0, classes, (batch,))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            net(x)

    train_seconds = best_seconds(train)
    net.eval()  # inference as GraphGen's Forward: BatchNorm with running statistics
    return train_seconds, best_seconds(infer)


def main():
    cores = os.cpu_count() or 1
    print(f"torch {torch.__version__}, {cores} cores, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    print(f"{'case':<24} {'train µs':>10} {'threads':>8} {'infer µs':>10} {'threads':>8}")
    runs = [(name, lambda batch=batch, widths=widths: measure(batch, widths)) for name, batch, widths in CASES]
    runs += [(name, lambda batch=batch, build=build, shape=shape, classes=classes: measure_model(batch, build(), shape, classes))
             for name, batch, build, shape, classes in CNN_CASES]
    for name, run in runs:
        best_train, best_infer = (float("inf"), 0), (float("inf"), 0)
        for threads in range(1, cores + 1):
            torch.set_num_threads(threads)
            train, infer = run()
            best_train = min(best_train, (train, threads))
            best_infer = min(best_infer, (infer, threads))
        print(f"{name:<24} {best_train[0] * 1e6:10.1f} {best_train[1]:8d} {best_infer[0] * 1e6:10.1f} {best_infer[1]:8d}")


if __name__ == "__main__":
    main()
