#!/usr/bin/env bash
# Builds the GPU check for a machine with an NVIDIA GPU but no .NET SDK and no internet: a
# self-contained linux-x64 publish of bench/GraphGen.GpuCheck (the .NET runtime, ILGPU, the
# benchmark networks with their generated GPU passes, the PyTorch peer script), packed as
# artifacts/gpu-check/graphgen-gpu-check-linux-x64.tar.gz. Not trimmed: ILGPU emits code at run
# time, and trimming breaks its EnableAlgorithms(). The archive must travel in under 64 MiB.
#
#   bash scripts/publish-gpu-check.sh          # then: bash scripts/gpu-check.sh (on the GPU machine)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/gpu-check
archive=$out/graphgen-gpu-check-linux-x64.tar.gz
rm -rf "$out/GraphGen.GpuCheck" "$archive"
mkdir -p "$out"
dotnet publish bench/GraphGen.GpuCheck/GraphGen.GpuCheck.csproj -c Release -r linux-x64 --self-contained \
    -p:DebugType=none -o "$out/GraphGen.GpuCheck" >/dev/null
tar -czf "$archive" -C "$out" GraphGen.GpuCheck
rm -rf "$out/GraphGen.GpuCheck"
bytes=$(stat -c %s "$archive")
limit=$((64 * 1024 * 1024))
echo "publish-gpu-check: $archive: $((bytes / 1024 / 1024)) MiB ($bytes bytes)"
if [ "$bytes" -ge "$limit" ]; then
    echo "publish-gpu-check: the archive is over 64 MiB, the most a device run carries" >&2
    exit 1
fi
