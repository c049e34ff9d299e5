#!/usr/bin/env bash
# Runs netlib's level-3 BLAS testers (Debian package libblas-test) on SGEMM with libnnk_blas.so preloaded:
#   xblat3s   Fortran sgemm_: computational tests and error exits
#   xscblat3  cblas_sgemm, column- and row-major: computational tests and error exits
# Every other routine is switched off in the generated inputs. Fails unless both testers report SGEMM passed and
# libnnk_blas says (NNK_BLAS_VERBOSE) that nnk computed the calls, so a silent fallback to the reference BLAS
# cannot pass.
#
# usage: run_netlib_testers.sh <path/to/libnnk_blas.so> <workdir>
# env:   NNK_NETLIB_BLAS_DIR  where xblat3s and xscblat3 are (default /usr/lib/x86_64-linux-gnu/blas); it is also
#        put on LD_LIBRARY_PATH so that the testers' libblas.so.3 is netlib's (which defines the CBLAS globals the
#        CBLAS tester references) rather than whatever the alternatives system points to.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <path/to/libnnk_blas.so> <workdir>" >&2
  exit 2
fi
library=$(realpath "$1")  # absolute: the testers run inside the workdir
workdir=$2
netlib_dir=${NNK_NETLIB_BLAS_DIR:-/usr/lib/x86_64-linux-gnu/blas}

for file in "$library" "$netlib_dir/xblat3s" "$netlib_dir/xscblat3"; do
  [[ -e $file ]] || { echo "FAIL: $file not found" >&2; exit 2; }
done
mkdir -p "$workdir"
cd "$workdir"

# Matrix sizes: every M, N, K combination of this list is tested (the testers allow at most 9 values up to 65).
sizes="0 1 2 3 5 9 16 33 65"
size_count=$(wc -w <<<"$sizes")

# Input of xblat3s (its format: sblat3.in). The summary goes to a file; unit 6 is stdout.
cat >xblat3s.in <<END
'xblat3s.summary' NAME OF SUMMARY OUTPUT FILE
6                 UNIT NUMBER OF SUMMARY FILE
'xblat3s.snap'    NAME OF SNAPSHOT OUTPUT FILE
-1                UNIT NUMBER OF SNAPSHOT FILE (NOT USED IF .LT. 0)
F        LOGICAL FLAG, T TO REWIND SNAPSHOT FILE AFTER EACH RECORD.
F        LOGICAL FLAG, T TO STOP ON FAILURES.
T        LOGICAL FLAG, T TO TEST ERROR EXITS.
16.0     THRESHOLD VALUE OF TEST RATIO
$size_count                 NUMBER OF VALUES OF N
$sizes       VALUES OF N
3                 NUMBER OF VALUES OF ALPHA
0.0 1.0 0.7       VALUES OF ALPHA
3                 NUMBER OF VALUES OF BETA
0.0 1.0 1.3       VALUES OF BETA
SGEMM  T PUT F FOR NO TEST. SAME COLUMNS.
SSYMM  F PUT F FOR NO TEST. SAME COLUMNS.
STRMM  F PUT F FOR NO TEST. SAME COLUMNS.
STRSM  F PUT F FOR NO TEST. SAME COLUMNS.
SSYRK  F PUT F FOR NO TEST. SAME COLUMNS.
SSYR2K F PUT F FOR NO TEST. SAME COLUMNS.
END

# Input of xscblat3 (its format: sin3); layout 2 = column-major and row-major. Output goes to stdout.
cat >xscblat3.in <<END
'xscblat3.snap'   NAME OF SNAPSHOT OUTPUT FILE
-1                UNIT NUMBER OF SNAPSHOT FILE (NOT USED IF .LT. 0)
F        LOGICAL FLAG, T TO REWIND SNAPSHOT FILE AFTER EACH RECORD.
F        LOGICAL FLAG, T TO STOP ON FAILURES.
T        LOGICAL FLAG, T TO TEST ERROR EXITS.
2        0 TO TEST COLUMN-MAJOR, 1 TO TEST ROW-MAJOR, 2 TO TEST BOTH
16.0     THRESHOLD VALUE OF TEST RATIO
$size_count                 NUMBER OF VALUES OF N
$sizes       VALUES OF N
3                 NUMBER OF VALUES OF ALPHA
0.0 1.0 0.7       VALUES OF ALPHA
3                 NUMBER OF VALUES OF BETA
0.0 1.0 1.3       VALUES OF BETA
cblas_sgemm  T PUT F FOR NO TEST. SAME COLUMNS.
cblas_ssymm  F PUT F FOR NO TEST. SAME COLUMNS.
cblas_strmm  F PUT F FOR NO TEST. SAME COLUMNS.
cblas_strsm  F PUT F FOR NO TEST. SAME COLUMNS.
cblas_ssyrk  F PUT F FOR NO TEST. SAME COLUMNS.
cblas_ssyr2k F PUT F FOR NO TEST. SAME COLUMNS.
END

rm -f xblat3s.summary xblat3s.stdout xblat3s.stderr xscblat3.stdout xscblat3.stderr

# run_tester <name>: <name>.in on stdin, <name>.stdout / <name>.stderr written; a crash is reported, not fatal here.
run_tester() {
  local status=0
  env NNK_BLAS_VERBOSE=1 LD_PRELOAD="$library" LD_LIBRARY_PATH="$netlib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$netlib_dir/$1" <"$1.in" >"$1.stdout" 2>"$1.stderr" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "FAIL: $1 exited with status $status" >&2
    failures=$((failures + 1))
  fi
}

failures=0
# expect <file> <fixed string>: the file must contain the line.
expect() {
  if grep -qF -- "$2" "$1"; then
    echo "ok:   $1: $(grep -F -- "$2" "$1" | head -1 | sed 's/^ *//')"
  else
    echo "FAIL: $1 lacks \"$2\"" >&2
    failures=$((failures + 1))
  fi
}
# reject <file> <extended regex>: no line of the file may match.
reject() {
  if grep -qE -- "$2" "$1"; then
    echo "FAIL: $1 reports a failure:" >&2
    grep -E -- "$2" "$1" | head -20 >&2
    failures=$((failures + 1))
  fi
}

failure_pattern='FAIL|FATAL|SUSPECT|ILLEGAL|NOT DETECTED|INSTEAD OF|\*\*'

run_tester xblat3s
touch xblat3s.summary
expect xblat3s.summary "SGEMM  PASSED THE TESTS OF ERROR-EXITS"
expect xblat3s.summary "SGEMM  PASSED THE COMPUTATIONAL TESTS"
expect xblat3s.summary "END OF TESTS"
reject xblat3s.summary "$failure_pattern"
expect xblat3s.stderr "nnk_blas: sgemm_ computed by nnk::sgemm"

run_tester xscblat3
expect xscblat3.stdout "cblas_sgemm  PASSED THE TESTS OF ERROR-EXITS"
expect xscblat3.stdout "cblas_sgemm  PASSED THE COLUMN-MAJOR COMPUTATIONAL TESTS"
expect xscblat3.stdout "cblas_sgemm  PASSED THE ROW-MAJOR    COMPUTATIONAL TESTS"
expect xscblat3.stdout "END OF TESTS"
reject xscblat3.stdout "$failure_pattern"
expect xscblat3.stderr "nnk_blas: cblas_sgemm computed by nnk::sgemm"

if [[ $failures -ne 0 ]]; then
  echo "FAILED: $failures check(s); the testers' output is in $(pwd)" >&2
  exit 1
fi
echo "PASSED: netlib xblat3s and xscblat3 accept nnk's SGEMM (output in $(pwd))"
