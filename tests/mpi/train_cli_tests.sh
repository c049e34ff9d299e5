#!/usr/bin/env bash
# nnk-train under mpirun, end to end: one case per ctest (tests/mpi/CMakeLists.txt), each in its own scratch folder.
#   train_cli_tests.sh CASE NNK_TRAIN SCRATCH_DIR MPIEXEC NUMPROC_FLAG [MPIEXEC_FLAGS...]
# Cases:
#   same-model-batch256, same-model-batch32  mpirun -np 1..4 (and 2 ranks of 2 threads) saves the bytes that
#                        nnk-train alone saves (256: every rank has blocks of 64 columns; 32: one block a batch,
#                        the other ranks idle)
#   rank-zero-output     one line of each kind on stdout; rank 1, in a folder of its own, writes nothing there
#   missing-data, diverged, one-rank-fails, rank-zero-fails, sigkill
#                        the job ends within 20 s, non-zero, with one line naming the cause, and the model and
#                        checkpoint already in the folder are left as they were
#   resume-across-ranks  a checkpoint of 2 ranks resumed on 3 ranks and without MPI saves the uninterrupted model
set -euo pipefail
case_name=$1
nnk_train=$2
scratch=$3
mpiexec=$4
np_flag=$5
shift 5
mpiexec_flags=("$@")
expect_job_failure=$(cd "$(dirname "$0")" && pwd)/expect_job_failure.sh

rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"

fail() {
  echo "FAIL: $*"
  exit 1
}

# on_ranks R ARGS...: nnk-train ARGS as a job of R ranks.
on_ranks() {
  local ranks=$1
  shift
  "$mpiexec" "$np_flag" "$ranks" "${mpiexec_flags[@]}" "$nnk_train" "$@"
}

# Small runs: each takes a fraction of a second even with 4 ranks on 2 cores. One thread per rank, as CI has 2 cores.
quick=(--dataset wdbc --threads 1)
quick_2_threads=(--dataset wdbc --threads 2)

# same_model BATCH: the model and its sidecar of nnk-train alone, and of mpirun -np 1, 2, 3 and 4, byte for byte;
# also with 2 threads a rank.
same_model() {
  local run=(--progress none --epochs 4 --batch-size "$1" --save m.nnk)
  mkdir alone
  (cd alone && "$nnk_train" "${quick[@]}" "${run[@]}" >out)
  for ranks in 1 2 3 4 2x2; do
    mkdir "np$ranks"
    if [ "$ranks" = 2x2 ]; then
      (cd np2x2 && on_ranks 2 "${quick_2_threads[@]}" "${run[@]}" >out)
    else
      (cd "np$ranks" && on_ranks "$ranks" "${quick[@]}" "${run[@]}" >out)
    fi
    cmp alone/m.nnk "np$ranks/m.nnk" || fail "-np $ranks saved another model than nnk-train alone"
    cmp alone/m.nnk.json "np$ranks/m.nnk.json" || fail "-np $ranks saved another sidecar than nnk-train alone"
  done
  grep -q "^running on 2 ranks x 2 threads, ISA " np2x2/out || fail "np2x2/out: no 'running on 2 ranks x 2 threads'"
  grep -q "^running on 2 ranks x 1 thread, ISA " np2/out || fail "np2/out: no line 'running on 2 ranks x 1 thread'"
  grep -q "^running on 1 thread, ISA " np1/out || fail "np1/out: one rank should run as nnk-train alone does"
  echo "PASS: -np 1, 2, 3 and 4 (and 2 ranks of 2 threads) saved the model of nnk-train alone (batch $1)"
}

rank_zero_output() {
  local flags=("${quick[@]}" --epochs 3 --progress lines --save m.nnk --log log.jsonl --checkpoint c.ckpt)
  on_ranks 2 "${flags[@]}" >out 2>err || fail "mpirun -np 2 failed: $(cat err)"
  cat out
  ! grep "nnk" err || fail "nnk-train wrote to stderr"
  [ -z "$(sort out | uniq -d)" ] || fail "lines printed more than once: $(sort out | uniq -d)"
  for line in "^running on 2 ranks x 1 thread" "^trained in " "^test accuracy" "^saved the model to m.nnk" \
              "^epoch +3/3"; do
    [ "$(grep -cE "$line" out)" -eq 1 ] || fail "stdout should have one line matching '$line'"
  done

  # Rank 1 runs in a folder of its own with the same command line: anything it wrote would land there.
  mkdir rank0 rank1
  "$mpiexec" "${mpiexec_flags[@]}" "$np_flag" 1 -wdir rank0 "$nnk_train" "${flags[@]}" : \
             "$np_flag" 1 -wdir rank1 "$nnk_train" "${flags[@]}" >wdir.out 2>&1 || fail "$(cat wdir.out)"
  [ -z "$(ls -A rank1)" ] || fail "rank 1 wrote files: $(ls -A rank1)"
  [ "$(cd rank0 && ls -A | sort | tr '\n' ' ')" = "c.ckpt log.jsonl m.nnk m.nnk.json " ] ||
    fail "rank 0 wrote: $(ls -A rank0), expected c.ckpt log.jsonl m.nnk m.nnk.json"
  [ "$(wc -l <rank0/log.jsonl)" -eq 3 ] || fail "rank0/log.jsonl should have 3 lines"
  cmp m.nnk rank0/m.nnk || fail "the two jobs saved different models"
  echo "PASS: rank 0 alone printed and wrote files"
}

# A model and a checkpoint that a failed job must leave alone.
make_previous_files() {
  "$nnk_train" "${quick[@]}" --progress none --epochs 2 --save m.nnk --checkpoint c.ckpt >/dev/null
  mkdir previous
  cp m.nnk m.nnk.json c.ckpt previous/
}

check_previous_files() {
  for file in m.nnk m.nnk.json c.ckpt; do
    cmp "previous/$file" "$file" || fail "the failed job changed $file"
  done
}

# expect_failure PATTERN COMMAND...: the job fails within 20 s, non-zero, with exactly one line matching PATTERN.
expect_failure() {
  local pattern=$1
  shift
  local status=0
  "$expect_job_failure" 20 "$pattern" "$@" >verdict || status=$?
  cat verdict
  [ "$status" -eq 0 ] || fail "see above"
  local lines
  lines=$(sed -n 's/^  | //p' verdict | grep -cE "$pattern" || true)
  [ "$lines" -eq 1 ] || fail "$lines lines match '$pattern', expected exactly 1"
  check_previous_files
  echo "PASS: the job ended with one line naming the cause; the previous model and checkpoint are intact"
}

# The flags of the failing jobs but their data.
failing_job=(--threads 1 --progress none --epochs 3 --save m.nnk --checkpoint c.ckpt)
job_flags=(--dataset wdbc "${failing_job[@]}")

missing_data() {
  make_previous_files
  expect_failure "^nnk: rank 0 of 2: .*'no-such-file\.csv'" \
    "$mpiexec" "$np_flag" 2 "${mpiexec_flags[@]}" "$nnk_train" --data no-such-file.csv "${failing_job[@]}"
}

diverged() {
  make_previous_files
  expect_failure "^nnk: rank 0 of 2: training diverged" \
    "$mpiexec" "$np_flag" 2 "${mpiexec_flags[@]}" "$nnk_train" "${job_flags[@]}" --optimizer sgd --learning-rate 1e6
}

# Rank 1 alone fails (its data file is missing) while rank 0 waits for it in the first collective of training.
one_rank_fails() {
  make_previous_files
  expect_failure "^nnk: rank 1 of 2: .*'no-such-file\.csv'" \
    "$mpiexec" "${mpiexec_flags[@]}" "$np_flag" 1 "$nnk_train" "${job_flags[@]}" : \
    "$np_flag" 1 "$nnk_train" --data no-such-file.csv "${failing_job[@]}"
}

# Rank 0 alone writes the log: a full disk fails its first epoch's line while rank 1 goes on to the next epoch.
rank_zero_fails() {
  [ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 0; }
  make_previous_files
  expect_failure "^nnk: rank 0 of 2: cannot write --log file '/dev/full'" \
    "$mpiexec" "$np_flag" 2 "${mpiexec_flags[@]}" "$nnk_train" "${job_flags[@]}" --log /dev/full
}

# A rank killed while training: mpirun ends the job and says so.
sigkill() {
  make_previous_files
  "$mpiexec" "$np_flag" 2 "${mpiexec_flags[@]}" "$nnk_train" "${quick[@]}" --epochs 1000000 --progress lines \
             --save m.nnk --checkpoint c.ckpt --checkpoint-every 1000000 >job.out 2>&1 &
  local job=$!  # mpirun's pid: the ranks are its children
  for _ in $(seq 300); do
    grep -q "^epoch" job.out && break
    sleep 0.1
  done
  grep -q "^epoch" job.out || { kill -9 "$job" 2>/dev/null; fail "no epoch line within 30 s: $(cat job.out)"; }
  local rank
  rank=$(pgrep -P "$job" | tail -n 1) || fail "no child process of mpirun (pid $job)"
  local start
  start=$(date +%s.%N)
  kill -9 "$rank"
  local status=0
  for _ in $(seq 200); do
    kill -0 "$job" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$job" 2>/dev/null; then
    kill -9 "$job"
    fail "the job still ran 20 s after its rank (pid $rank) was killed"
  fi
  wait "$job" || status=$?
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "the job ended %.1f s after the kill\n", b - a }'
  grep -v "^epoch" job.out || true
  [ "$status" -ne 0 ] || fail "mpirun exited with status 0"
  grep -q "exited on signal 9" job.out || fail "no line of mpirun's says that a rank was killed"
  check_previous_files
  echo "PASS: the job ended with status $status; the previous model and checkpoint are intact"
}

resume_across_ranks() {
  local flags=("${quick[@]}" --progress none --batch-size 128)
  "$nnk_train" "${flags[@]}" --epochs 4 --save whole.nnk >/dev/null
  # The first half on 2 ranks; its checkpoint is the one nnk-train alone writes.
  on_ranks 2 "${flags[@]}" --epochs 2 --checkpoint half.ckpt >/dev/null
  "$nnk_train" "${flags[@]}" --epochs 2 --checkpoint alone-half.ckpt >/dev/null
  cmp half.ckpt alone-half.ckpt || fail "the checkpoint of 2 ranks differs from nnk-train's alone"
  cp half.ckpt half-for-3.ckpt
  on_ranks 3 "${flags[@]}" --epochs 4 --resume half-for-3.ckpt --checkpoint half-for-3.ckpt --save np3.nnk >np3.out
  grep -q "^resuming from half-for-3.ckpt: 2 of 4 epochs done" np3.out || fail "np3.out: $(cat np3.out)"
  cmp whole.nnk np3.nnk || fail "resumed on 3 ranks: another model than the uninterrupted run's"
  "$nnk_train" "${flags[@]}" --epochs 4 --resume half.ckpt --save alone.nnk >/dev/null
  cmp whole.nnk alone.nnk || fail "resumed without MPI: another model than the uninterrupted run's"
  echo "PASS: a checkpoint of 2 ranks resumed on 3 ranks and alone gives the uninterrupted model"
}

case "$case_name" in
  same-model-batch256) same_model 256 ;;
  same-model-batch32) same_model 32 ;;
  rank-zero-output) rank_zero_output ;;
  missing-data) missing_data ;;
  diverged) diverged ;;
  one-rank-fails) one_rank_fails ;;
  rank-zero-fails) rank_zero_fails ;;
  sigkill) sigkill ;;
  resume-across-ranks) resume_across_ranks ;;
  *) fail "unknown case '$case_name'" ;;
esac
