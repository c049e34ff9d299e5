#!/usr/bin/env bash
# An nnk-train built without MPI, started as the ranks of a 2-rank job (the variables Open MPI's mpirun sets): rank 0
# alone says what to install, every rank exits with status 1, and nothing trains.
#   train_without_mpi_test.sh NNK_TRAIN
set -uo pipefail
nnk_train=$1
verdict=0
for rank in 0 1; do
  out=$(OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=$rank "$nnk_train" --dataset wdbc --epochs 1 2>&1)
  status=$?
  echo "rank $rank: status $status, output: $out"
  [ "$status" -eq 1 ] || { echo "FAIL: rank $rank exited with status $status, expected 1"; verdict=1; }
  if [ "$rank" -eq 0 ]; then
    expected="nnk-train: started by an MPI launcher (mpirun) on 2 ranks, but this nnk-train was built without MPI"
    expected+=" support: install libopenmpi-dev openmpi-bin, then configure and build again (or run nnk-train"
    expected+=" without mpirun)"
    [ "$out" = "$expected" ] || { echo "FAIL: rank 0 should print only: $expected"; verdict=1; }
  else
    [ -z "$out" ] || { echo "FAIL: rank 1 should print nothing"; verdict=1; }
  fi
done
[ "$verdict" -eq 0 ] && echo PASS
exit "$verdict"
