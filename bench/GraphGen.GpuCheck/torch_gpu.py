#!/usr/bin/env python3
"""The PyTorch peer of the GPU check: the benchmark networks of bench/peers/networks.py on one device.

    python3 torch_gpu.py --device cuda [--quick] CASE...

For each case, prints one CSV line: name,train_us,infer_us. A training step is what GraphGen's step
does: copy the batch to the device, zero the gradients, forward, softmax cross-entropy, backward, an
Adam step (foreach), and read the loss back (loss.item() waits for the device). Inference copies the
batch in, runs in inference mode and copies the output back. Each case is timed as the C# side times
itself: warm-up calls, then the best of five runs of ~0.1 s. Exits 3 when the device is missing.
"""
import argparse
import sys
import time

import torch

from networks import CASES, loss, sample_batch


def best_seconds(action, quick):
    """Best seconds per call: warm-up, then the best of five runs of ~0.1 s (quick: one run of two calls)."""
    for _ in range(1 if quick else 5):
        action()
    if quick:
        start = time.perf_counter()
        action()
        action()
        return (time.perf_counter() - start) / 2
    start = time.perf_counter()
    action()
    per_call = max(time.perf_counter() - start, 1e-6)
    reps = min(10_000, max(1, int(0.1 / per_call)))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            action()
        best = min(best, (time.perf_counter() - start) / reps)
    return best


def measure(case, device, batch, quick):
    torch.manual_seed(0)
    net = case.build().to(device)
    x, y = sample_batch(case, batch)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4, foreach=True)

    def train():
        optimizer.zero_grad(set_to_none=True)
        value = loss(case, net(x.to(device)), y.to(device))
        value.backward()
        optimizer.step()
        value.item()

    def infer():
        with torch.inference_mode():
            net(x.to(device)).cpu()

    train_seconds = best_seconds(train, quick)
    net.eval()
    return train_seconds, best_seconds(infer, quick)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--batch", action="append", default=[], help="NAME=BATCH: another batch for a case (quick runs)")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("torch has no CUDA device here", file=sys.stderr)
        sys.exit(3)
    device = torch.device(args.device)
    if args.device == "cuda":
        print(f"# torch {torch.__version__} on {torch.cuda.get_device_name(0)}", flush=True)
    else:
        print(f"# torch {torch.__version__} on {args.device}", flush=True)
    overrides = dict(item.rsplit("=", 1) for item in args.batch)
    by_name = {case.name: case for case in CASES}
    for name in args.cases or [case.name for case in CASES]:
        case = by_name[name]
        batch = int(overrides.get(name, case.batch))
        train, infer = measure(case, device, batch, args.quick)
        print(f"{name},{train * 1e6:.1f},{infer * 1e6:.1f}", flush=True)


if __name__ == "__main__":
    main()
