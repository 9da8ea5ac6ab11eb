#!/usr/bin/env bash
# Measures data-parallel training from one process to two MPI ranks on this machine (the figures
# in docs/distributed.md): the Mnist MLP and LeNet examples for two epochs each, alone with one
# and with two worker threads, and under mpirun with two ranks of one worker thread each; then
# the rank-ordered sum against MPI_Allreduce. Needs Open MPI and `bash scripts/fetch-data.sh mnist`.
#
#   bash scripts/measure-data-parallel.sh [epochs]
#
# GRAPHGEN_THREADS=1 per rank: two ranks on two cores must not also compete with each other's
# worker threads. Run it on a quiet machine: the ranks wait for each other every step, so any
# other load on either core slows both.
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
mpirun=(mpirun --allow-run-as-root --oversubscribe)
dotnet build examples/Mnist -c Release -v q -nologo >/dev/null
dotnet build examples/LeNet -c Release -v q -nologo >/dev/null
dotnet build tests/GraphGen.Distributed.TestHost -c Release -v q -nologo >/dev/null
for example in Mnist LeNet; do
  dll=examples/$example/bin/Release/net10.0/$example.dll
  echo "== $example: one process, one worker thread"
  GRAPHGEN_THREADS=1 dotnet "$dll" --epochs "$epochs" | grep -E "^epoch|test accuracy"
  echo "== $example: one process, two worker threads"
  GRAPHGEN_THREADS=2 dotnet "$dll" --epochs "$epochs" | grep -E "^epoch|test accuracy"
  echo "== $example: two ranks, one worker thread each"
  "${mpirun[@]}" -np 2 -x GRAPHGEN_THREADS=1 dotnet "$dll" --epochs "$epochs" | grep -E "^epoch|test accuracy"
done
echo "== the rank-ordered sum against MPI_Allreduce, two ranks (median of 41)"
"${mpirun[@]}" -np 2 -x GRAPHGEN_THREADS=1 dotnet tests/GraphGen.Distributed.TestHost/bin/Release/net10.0/GraphGen.Distributed.TestHost.dll sum-bench
