#!/usr/bin/env bash
# Measures data-parallel training from one process to two MPI ranks on this machine (the figures
# in docs/distributed.md): the Mnist MLP (batch 128 and 512) and LeNet examples, alone with one
# and with two worker threads, and under mpirun with two ranks of one worker thread each; each
# configuration `repeats` times, interleaved; then the rank-ordered sum against MPI_Allreduce.
# Needs Open MPI and `bash scripts/fetch-data.sh mnist`.
#
#   bash scripts/measure-data-parallel.sh [epochs=2] [repeats=3]
#
# Reported per configuration: the last epoch's training time (the first includes JIT warm-up),
# the fastest and the median of the repeats, and the test accuracy.
#
# GRAPHGEN_THREADS=1 per rank: two ranks on two cores must not also compete with each other's
# worker threads. --bind-to none: Open MPI would pin each rank (and .NET's JIT and GC threads
# with it) to one core, and on a machine shared with other work a rank then waits for its core
# while the other core idles (measured here: 2.6 s against 0.7 s per Mnist epoch). The ranks wait
# for each other every step, so load on either core slows both: run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
repeats=${2:-3}
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none)
dotnet build examples/Mnist -c Release -v q -nologo >/dev/null
dotnet build examples/LeNet -c Release -v q -nologo >/dev/null
dotnet build tests/GraphGen.Distributed.TestHost -c Release -v q -nologo >/dev/null
results=$(mktemp)

# run <label> <command...>: prints the last epoch's milliseconds and the test accuracy
run() {
  local label=$1; shift
  local output ms accuracy
  output=$("$@" --epochs "$epochs" 2>&1)
  ms=$(grep -E "^epoch" <<<"$output" | tail -1 | sed -E 's/.*\|  ([0-9]+) ms,.*/\1/')
  accuracy=$(grep -E "^test accuracy" <<<"$output" | awk '{print $3}')
  echo "$label $ms $accuracy" | tee -a "$results"
  grep -E "^rank 0:" <<<"$output" | sed "s|^|    |" || true   # Mnist's split of rank 0's time
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= repeats; r++)); do
  for example in "Mnist 128" "Mnist 512" "LeNet 64"; do
    read -r name batch <<<"$example"
    dll=examples/$name/bin/Release/net10.0/$name.dll
    run "$name/batch$batch/alone-1-thread" env GRAPHGEN_THREADS=1 dotnet "$dll" --batch "$batch"
    run "$name/batch$batch/alone-2-threads" env GRAPHGEN_THREADS=2 dotnet "$dll" --batch "$batch"
    run "$name/batch$batch/2-ranks-1-thread" "${mpirun[@]}" -np 2 -x GRAPHGEN_THREADS=1 dotnet "$dll" --batch "$batch"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== last epoch's training time in ms over $repeats runs: configuration, fastest, median, test accuracy"
sort -k1,1 -k2,2n "$results" | awk '
  { key = $1; times[key] = times[key] " " $2; acc[key] = $3; n[key]++ }
  END { for (k in times) { split(substr(times[k], 2), t, " "); printf "%-32s %6d %6d  %s\n", k, t[1], t[int((n[k] + 1) / 2)], acc[k] } }' | sort
rm -f "$results"
echo "== the rank-ordered sum against MPI_Allreduce, two ranks (median of 41)"
"${mpirun[@]}" -np 2 -x GRAPHGEN_THREADS=1 dotnet tests/GraphGen.Distributed.TestHost/bin/Release/net10.0/GraphGen.Distributed.TestHost.dll sum-bench
