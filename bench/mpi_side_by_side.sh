#!/usr/bin/env bash
# The MPI issue's comparison on one machine: epochs of the Fashion-MNIST MLP (784-256-128-10, Adam, batch 256) with
# 2 ranks x 1 thread (nnk::mpi::fit, and nnk::mpi::fit_sharded with each rank's shard) against 1 process x 2 threads
# (nnk::fit) and 1 process x 1 thread, in
# interleaved rounds; prints each round and the medians of the per-round ratios (a shared host's speed moves
# from minute to minute, so only ratios within a round mean something).
#
#   bench/mpi_side_by_side.sh [build-dir] [rounds]      (default: build 5)
# Extra settings through the environment: NNK_BENCH_EXAMPLES (60000: all of Fashion-MNIST), NNK_BENCH_BATCH (256).
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
bench="$build/bench/nnk_bench_mpi_fit"
[ -x "$bench" ] || { echo "no $bench: build the target nnk_bench_mpi_fit (needs nnk::mpi)" >&2; exit 1; }
# Each rank on a core of its own; the 2-thread process unbound (mpirun would bind it to one core).
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
options=(--nnk_examples="${NNK_BENCH_EXAMPLES:-60000}" --nnk_batch="${NNK_BENCH_BATCH:-256}" --nnk_iterations=3
         --benchmark_format=json)

# examples/s of one run's benchmark whose name starts with $1 (the rest of the arguments: the command).
rate() {
  local prefix=$1
  shift
  "$@" 2>/dev/null | /usr/bin/python3 -c '
import json, sys
prefix = sys.argv[1]
for b in json.load(sys.stdin)["benchmarks"]:
    if b["name"].startswith(prefix):
        print(b["ex_per_s"], b.get("bytes_sent", 0), b.get("in_flight_us", 0), b.get("wait_us", 0))
' "$prefix"
}

printf "%-6s %14s %14s %14s %9s %9s %12s %13s %9s %14s %9s %12s\n" round "1p x 1t ex/s" "1p x 2t ex/s" \
  "2r x 1t ex/s" "2r/(1p2t)" "2r/(1p1t)" "bytes/step" "in flight us" "wait us" "sharded ex/s" "sh/(1p2t)" \
  "sh bytes/st"
ratios_2t=() ratios_1t=() ratios_sharded=()
for round in $(seq 1 "$rounds"); do
  one=$(rate "fit/" mpirun "${root[@]}" --bind-to core -np 1 "$bench" "${options[@]}" --nnk_threads=1 --benchmark_filter='^fit/' | cut -d' ' -f1)
  two=$(rate "fit/" mpirun "${root[@]}" --bind-to none -np 1 "$bench" "${options[@]}" --nnk_threads=2 --benchmark_filter='^fit/' | cut -d' ' -f1)
  read -r ranks bytes in_flight wait < <(rate "mpi_fit/" mpirun "${root[@]}" --bind-to core -np 2 "$bench" \
                                         "${options[@]}" --nnk_threads=1 --benchmark_filter='^mpi_fit/')
  read -r sharded sharded_bytes _ _ < <(rate "mpi_fit_sharded/" mpirun "${root[@]}" --bind-to core -np 2 "$bench" \
                                        "${options[@]}" --nnk_threads=1 --benchmark_filter='^mpi_fit_sharded/')
  r2=$(/usr/bin/python3 -c "print(f'{$ranks / $two:.3f}')")
  r1=$(/usr/bin/python3 -c "print(f'{$ranks / $one:.3f}')")
  rs=$(/usr/bin/python3 -c "print(f'{$sharded / $two:.3f}')")
  ratios_2t+=("$r2") ratios_1t+=("$r1") ratios_sharded+=("$rs")
  printf "%-6s %14.0f %14.0f %14.0f %9s %9s %12.0f %13.0f %9.0f %14.0f %9s %12.0f\n" "$round" "$one" "$two" \
    "$ranks" "$r2" "$r1" "$bytes" "$in_flight" "$wait" "$sharded" "$rs" "$sharded_bytes"
done
/usr/bin/python3 -c "
import statistics, sys
a = [float(v) for v in sys.argv[1].split()]
b = [float(v) for v in sys.argv[2].split()]
c = [float(v) for v in sys.argv[3].split()]
print(f'median over {len(a)} rounds: 2 ranks x 1 thread = {statistics.median(a):.3f} x (1 process x 2 threads), '
      f'{statistics.median(b):.3f} x (1 process x 1 thread); sharded: {statistics.median(c):.3f} x '
      f'(1 process x 2 threads)')
" "${ratios_2t[*]}" "${ratios_1t[*]}" "${ratios_sharded[*]}"
