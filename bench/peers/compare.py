#!/usr/bin/env python3
"""GraphGen against its modern peers in one run on this machine (issue 14): GraphGen's quick table,
PyTorch 1.13 (Debian's python3-torch), TorchSharp 0.107 (libtorch 2.10) and ONNX Runtime 1.32, in
alternating rounds, each side keeping its best; then one table (and artifacts/bench/peers.csv) with,
per case and step, every side's µs, the best peer with its thread count, the ratio, and the targets:
inference >= 1.1x ONNX Runtime, training >= 2x the best of PyTorch and TorchSharp.

    /usr/bin/python3 bench/peers/compare.py [rounds] [--no-malloc-defaults] [--cases NAME,...]

rounds: default 3. Every peer searches thread counts 1..cores per case and keeps its best (the table
says which won); GraphGen runs as its quick table does. The libtorch peers (PyTorch, TorchSharp) run
with LIBTORCH_MALLOC (below): with glibc's defaults their freed step buffers go back to the kernel and
fault in again each step. After the rounds, unless --no-malloc-defaults, they run once more with
glibc's defaults, and a second table sets that beside the last round (the adjacent measurement).
Installs what is missing (apt-get: python3-torch, python3-numpy, libopenblas0-pthread, python3-onnx;
TorchSharp's runtime, see torchsharp-runtime.sh) and builds GraphGen.Bench and GraphGen.Peers.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_table  # noqa: E402  (standard library only)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"
CASES = ["64-32-10 b32", "784-128-10 b64", "784-256-128-10 b128", "1024-1024-1024-10 b256", "lenet-5 b64",
         "resnet-fashion b64", "tiny-gpt b32"]
ONNX_DIR = os.path.join(ROOT, "artifacts", "peers", "onnx")
# The one line to change when GraphGen exports ONNX: any command that writes <stem>.onnx for every case
# (stems in networks.py / PeerCases.cs; input "batch" axis symbolic) into ONNX_DIR.
ONNX_EXPORTER = [PYTHON, os.path.join(ROOT, "bench/peers/export_onnx.py"), ONNX_DIR]
LIBTORCH_MALLOC = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456"
PEERS_DLL_DIR = os.path.join(ROOT, "bench/peers/GraphGen.Peers/bin/Release/net10.0")
CSV_PATH = os.path.join(ROOT, "artifacts", "bench", "peers.csv")


def ensure_installed():
    probe = subprocess.run([PYTHON, "-c", "import torch, numpy, onnx"], capture_output=True)
    has_openblas = subprocess.run(["dpkg", "-s", "libopenblas0-pthread"], capture_output=True).returncode == 0
    if probe.returncode != 0 or not has_openblas:
        packages = ["python3-torch", "python3-numpy", "libopenblas0-pthread", "python3-onnx"]
        print("installing the peers: apt-get install -y " + " ".join(packages), flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True)
    for project in ("bench/GraphGen.Bench", "bench/peers/GraphGen.Peers"):
        subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo", os.path.join(ROOT, project)], check=True, stdout=subprocess.DEVNULL)


def peer_env(malloc_tuned):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "GLIBC_TUNABLES")}
    if malloc_tuned:
        env["GLIBC_TUNABLES"] = LIBTORCH_MALLOC
    return env


def run(command, env=None):
    out = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return out.stdout


def graphgen(cases):
    run(["dotnet", os.path.join(ROOT, "bench/GraphGen.Bench/bin/Release/net10.0/GraphGen.Bench.dll"), "quick", "--no-eager"])
    values = peer_table.parse_quick_csv(os.path.join(ROOT, "artifacts", "bench", "quick.csv"))
    return {k: v for k, v in values.items() if k[0] in cases}


def pytorch(cases, malloc_tuned=True):
    return peer_table.parse_peer_output(run([PYTHON, os.path.join(ROOT, "bench/peers/mlp_torch.py"), *cases], peer_env(malloc_tuned)), cases)


def torchsharp(cases, malloc_tuned=True):
    command = ["bash", os.path.join(ROOT, "bench/peers/torchsharp-runtime.sh"), "torchsharp", *cases]
    return peer_table.parse_peer_output(run(command, peer_env(malloc_tuned)), cases)


def onnxruntime(cases):
    command = [os.path.join(PEERS_DLL_DIR, "GraphGen.Peers"), "onnxruntime", "--models", ONNX_DIR, *cases]
    return peer_table.parse_peer_output(run(command, peer_env(False)), cases)


def sgemm():
    """Square SGEMM 1024, GFLOP/s: GraphGen's from this round's quick table, libtorch's (oneMKL, torch.mm through TorchSharp) now."""
    values = {"graphgen": peer_table.parse_quick_sgemm(os.path.join(ROOT, "artifacts", "bench", "quick.csv"), 1024)}
    out = run(["bash", os.path.join(ROOT, "bench/peers/torchsharp-runtime.sh"), "torchsharp-sgemm", "1024"], peer_env(True))
    values["libtorch"] = peer_table.parse_sgemm_line(out, 1024)
    return values


def main():
    args = sys.argv[1:]
    rounds = int(args[0]) if args and args[0].isdigit() else 3
    cases = CASES
    if "--cases" in args:
        cases = args[args.index("--cases") + 1].split(",")
    ensure_installed()
    print("exporting the ONNX models: " + " ".join(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a for a in ONNX_EXPORTER), flush=True)
    run(ONNX_EXPORTER)
    best = {side: {} for side in ("graphgen", *peer_table.PEERS)}
    gemm, last_round = {}, {}
    started = time.time()
    for r in range(rounds):
        for side, measure in (("graphgen", graphgen), ("pytorch", pytorch), ("torchsharp", torchsharp), ("onnxruntime", onnxruntime)):
            last_round[side] = measure(cases)
            peer_table.keep_best(best[side], last_round[side])
        for side, gflops in sgemm().items():
            gemm[side] = max(gemm.get(side, (0.0, None)), gflops, key=lambda v: v[0])
        print(f"round {r + 1}/{rounds} done ({time.time() - started:.0f} s)", flush=True)
    table = peer_table.rows(cases, best)
    print(f"\nbest of {rounds} alternating rounds on {os.cpu_count()} cores, µs per call (Nt: the peer's best thread count); "
          f"libtorch peers with GLIBC_TUNABLES={LIBTORCH_MALLOC}")
    print(peer_table.format_table(table))
    os.makedirs(os.path.dirname(CSV_PATH), exist_ok=True)
    peer_table.write_csv(table, CSV_PATH)
    print(f"wrote {os.path.relpath(CSV_PATH, ROOT)}")
    print(f"\nsquare SGEMM 1024, GFLOP/s: GraphGen {gemm['graphgen'][0]:.1f}, libtorch 2.10's oneMKL (torch.mm) {gemm['libtorch'][0]:.1f} "
          f"with {gemm['libtorch'][1]} threads")
    if "--no-malloc-defaults" not in args:
        defaults = {"pytorch": pytorch(cases, malloc_tuned=False), "torchsharp": torchsharp(cases, malloc_tuned=False)}
        print("\nlibtorch peers' training step, µs, with glibc's default malloc settings (run right after the last round) "
              "against the last round's with GLIBC_TUNABLES above")
        print(peer_table.format_malloc_table(cases, last_round, defaults))


if __name__ == "__main__":
    main()
