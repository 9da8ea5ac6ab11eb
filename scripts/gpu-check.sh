#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU, no internet and no .NET SDK (issue 16):
# unpacks the self-contained build that scripts/publish-gpu-check.sh made here, then runs
#   1. correctness at the benchmark's sizes: GEMM (cuBLAS and the tiled kernel) against the
#      double-precision reference; each benchmark network's output, loss, every gradient and
#      three Adam steps against the CPU path; the same bits when the device runs it twice;
#   2. the benchmark: SGEMM GFLOP/s at 1024-8192 per engine, training step and inference in µs
#      of the four MLPs, LeNet-5 and the CharTransformer network, with the issue's targets;
#   3. the same networks in PyTorch eager on the same GPU when a python3 imports torch; ratios.
# Writes gpu-check.csv and gpu-check.log into $OUT (the device run's folder) or artifacts/gpu-check.
# Exit status: 0 when every correctness check passes (a missed speed target is reported, not fatal).
#
#   bash scripts/gpu-check.sh                           # on the GPU machine: --device cuda
#   bash scripts/gpu-check.sh --device ilgpu-cpu --quick  # here: ILGPU's CPU accelerator, small sizes
set -euo pipefail
cd "$(dirname "$0")/.."
archive=artifacts/gpu-check/graphgen-gpu-check-linux-x64.tar.gz
results=${OUT:-artifacts/gpu-check}
mkdir -p "$results"
if [ ! -f "$archive" ]; then
    if command -v dotnet >/dev/null; then
        bash scripts/publish-gpu-check.sh
    else
        echo "gpu-check: $archive is missing and there is no dotnet to build it: run scripts/publish-gpu-check.sh on a machine with the SDK and carry the archive here" >&2
        exit 2
    fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"

args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--device cuda)

# The GPU, when there is one (nvidia-smi comes with the driver).
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi

# The PyTorch peer needs a python3 that imports torch; the first one that does is used.
for candidate in python3 /usr/bin/python3 /usr/local/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c "import torch" 2>/dev/null; then
        export GRAPHGEN_PYTHON=$candidate
        break
    fi
done
[ -z "${GRAPHGEN_PYTHON:-}" ] && echo "gpu-check: no python3 here imports torch; the PyTorch comparison will say so"

# ILGPU finds libcuda.so.1 through the program's resolver; cuBLAS through the loader's paths.
# CUDA 13's libcublas.so.13 may sit only in the toolkit's folder or in PyTorch's wheels, off those
# paths: put the first folder that holds one on them (libcublasLt lies beside it).
if ! ldconfig -p 2>/dev/null | grep -q 'libcublas\.so'; then
    for dir in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
        /opt/torch/.venv/lib/python3*/site-packages/nvidia/cublas/lib \
        /opt/torch/.venv/lib/python3*/site-packages/nvidia/cu13/lib \
        /usr/local/lib/python3*/dist-packages/nvidia/cublas/lib; do
        if compgen -G "$dir/libcublas.so*" >/dev/null; then
            export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
            echo "gpu-check: cuBLAS from $dir"
            break
        fi
    done
fi

export DOTNET_TieredPGO=1
status=0
# GPU_CHECK_TIMEOUT: seconds the check may run (a device run has a limit of its own).
timeout "${GPU_CHECK_TIMEOUT:-540}" "$work/GraphGen.GpuCheck/GraphGen.GpuCheck" "${args[@]}" --csv "$results/gpu-check.csv" 2>&1 | tee "$results/gpu-check.log" || status=${PIPESTATUS[0]}
echo "gpu-check: exit $status; $results/gpu-check.csv, $results/gpu-check.log"
exit "$status"
