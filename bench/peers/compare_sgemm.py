#!/usr/bin/env python3
"""GraphGen SGEMM against OpenBLAS (numpy and torch) in one go, with the ratio per size.

    /usr/bin/python3 bench/peers/compare_sgemm.py [rounds]

Runs `GraphGen.Bench sgemm` and sgemm_numpy.py alternately `rounds` times (default 3; the
machine may be shared, so alternating and keeping each side's best is fairer than one long
run of each), then prints the best GFLOP/s of each and the ratio GraphGen / best peer. The peer runs
with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINE = re.compile(r"^(\d+x\d+x\d+\s+\S+)\s+[\d.]+ \S+\s+([\d.]+)(?:\s+(\w+))?")


def parse(text, default):
    best = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            key = (" ".join(m.group(1).split()), m.group(3) or default)
            best[key] = max(best.get(key, 0.0), float(m.group(2)))
    return best


def merge(into, new):
    for key, value in new.items():
        into[key] = max(into.get(key, 0.0), value)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", os.path.join(ROOT, "bench/GraphGen.Bench")], check=True,
                   stdout=subprocess.DEVNULL)
    bench_dll = os.path.join(ROOT, "bench/GraphGen.Bench/bin/Release/net10.0/GraphGen.Bench.dll")
    peer_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    ours, peers = {}, {}
    for _ in range(rounds):
        out = subprocess.run(["dotnet", bench_dll, "sgemm"], capture_output=True, text=True, check=True).stdout
        merge(ours, parse(out, "graphgen"))
        out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench/peers/sgemm_numpy.py")], env=peer_env,
                             capture_output=True, text=True, check=True).stdout
        merge(peers, parse(out, "numpy"))
    shapes = [s for s, _ in ours]
    print(f"best of {rounds} rounds, GFLOP/s")
    print(f"{'shape':<22} {'GraphGen':>9} {'numpy':>9} {'torch':>9} {'ratio':>7}")
    for shape in shapes:
        g = ours[(shape, "graphgen")]
        n = peers.get((shape, "numpy"), 0.0)
        t = peers.get((shape, "torch"), 0.0)
        best_peer = max(n, t)
        ratio = f"{g / best_peer:6.0%}" if best_peer else "   n/a"
        print(f"{shape:<22} {g:9.1f} {n:9.1f} {t:9.1f} {ratio:>7}")


if __name__ == "__main__":
    main()
