#!/usr/bin/env bash
# nnk-train --dataset fashion-mnist under mpirun, on a small IDX data set in the scratch folder (idx_fixture.cpp):
# each rank reads and holds only its share of the training images. One case per ctest (tests/mpi/CMakeLists.txt).
#   train_cli_idx_tests.sh CASE NNK_TRAIN IDX_FIXTURE SCRATCH_DIR MPIEXEC NUMPROC_FLAG [MPIEXEC_FLAGS...]
# Cases:
#   same_model   mpirun -np 1..4 (and 2 ranks of 2 threads) saves the bytes nnk-train alone saves: the shards'
#                standardization and nnk::mpi::fit_sharded are the whole set's; rank 0 names its share
#   shards       a training images file whose data stops halfway: under -np 2 rank 0 trains on, as its share is there,
#                and rank 1, whose share is missing, ends the job naming the file; nnk-train alone fails at once
#   resume       a checkpoint of 2 ranks' shards resumed on 3 ranks saves the uninterrupted plain run's model
set -euo pipefail
case_name=$1 nnk_train=$2 idx_fixture=$3 scratch=$4
shift 4
mpi=("$@")  # MPIEXEC NUMPROC_FLAG [MPIEXEC_FLAGS...]
expect_job_failure=$(cd "$(dirname "$0")" && pwd)/expect_job_failure.sh
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"

fail() { echo "FAIL: $*"; exit 1; }
# job R ARGS...: nnk-train ARGS as a job of R ranks.
job() { local n=$1; shift; "${mpi[0]}" "${mpi[1]}" "$n" "${mpi[@]:2}" "$nnk_train" "$@"; }

# 2500 training images: fit's standardization blocks are 1024 examples, so 3 and 4 ranks' shares cut them.
data=(--dataset fashion-mnist --data-dir "$scratch/data" --layers 16 --batch-size 256 --progress none)
run=("${data[@]}" --epochs 3 --save m.nnk --threads)  # then the threads per rank

same_model() {
  "$idx_fixture" data 2500 300
  mkdir alone
  (cd alone && "$nnk_train" "${run[@]}" 1 >out)
  for ranks in 1 2 3 4 2x2; do
    mkdir "np$ranks"
    if [ "$ranks" = 2x2 ]; then
      (cd np2x2 && job 2 "${run[@]}" 2 >out)
    else
      (cd "np$ranks" && job "$ranks" "${run[@]}" 1 >out)
    fi
    cmp alone/m.nnk "np$ranks/m.nnk" || fail "-np $ranks saved another model than nnk-train alone"
    cmp alone/m.nnk.json "np$ranks/m.nnk.json" || fail "-np $ranks saved another sidecar than nnk-train alone"
  done
  grep -q "^split: 2500 training (250 of them for validation), 300 test " np3/out || fail "np3/out: $(cat np3/out)"
  local shards="shards: each of the 3 ranks reads and holds its share of the training examples"
  shards+=" (rank 0: [0, 833) of 2500)"
  grep -qxF "$shards" np3/out || fail "np3/out has no line '$shards': $(cat np3/out)"
  ! grep -q "^shards:" np1/out || fail "one rank holds the whole set: np1/out should have no 'shards:' line"
  echo "PASS: -np 1, 2, 3 and 4 (and 2 ranks of 2 threads) saved the model of nnk-train alone, each rank its share"
}

shards() {
  "$idx_fixture" data 2500 300 1250  # rank 0's share of 2 ranks is [0, 1250): all there
  local images="$scratch/data/train-images-idx3-ubyte.gz"
  local status=0
  local truncated="'$images' is truncated: 2500 images of 6 x 6 need 90000 bytes after the header, the file has 45000"
  "$expect_job_failure" 20 "^nnk: rank 1 of 2: $truncated" \
    "${mpi[0]}" "${mpi[1]}" 2 "${mpi[@]:2}" "$nnk_train" "${run[@]}" 1 >verdict || status=$?
  cat verdict
  [ "$status" -eq 0 ] || fail "see above"
  ! grep -q "rank 0 of 2" verdict || fail "rank 0 read beyond its share: it should not have met the missing data"
  status=0
  "$nnk_train" "${run[@]}" 1 >alone.out 2>&1 || status=$?
  [ "$status" -ne 0 ] && grep -qF "$truncated" alone.out ||
    fail "nnk-train alone should fail on the whole file: $(cat alone.out)"
  echo "PASS: each rank read only its share: rank 0 never met the missing half, rank 1 named it"
}

resume() {
  "$idx_fixture" data 2500 300
  "$nnk_train" "${data[@]}" --threads 1 --epochs 4 --save whole.nnk >/dev/null
  job 2 "${data[@]}" --threads 1 --epochs 2 --checkpoint half.ckpt >/dev/null
  job 3 "${data[@]}" --threads 1 --epochs 4 --resume half.ckpt --save np3.nnk >np3.out
  grep -q "^resuming from half.ckpt: 2 of 4 epochs done" np3.out || fail "np3.out: $(cat np3.out)"
  cmp whole.nnk np3.nnk || fail "resumed on 3 ranks: another model than the uninterrupted run's"
  echo "PASS: a checkpoint of 2 ranks' shards resumed on 3 ranks gives the uninterrupted model"
}

case "$case_name" in
  same_model) same_model ;;
  shards) shards ;;
  resume) resume ;;
  *) fail "unknown case '$case_name'" ;;
esac
