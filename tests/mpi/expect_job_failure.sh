#!/usr/bin/env bash
# Runs an MPI job that must fail and checks how it ends: within MAX_SECONDS, with a non-zero status and, where
# given, a line of stderr matching PATTERN. A hung job is killed at 3 x MAX_SECONDS and counts as a failure.
#   expect_job_failure.sh MAX_SECONDS PATTERN|- COMMAND...
set -uo pipefail
max_seconds=$1
pattern=$2
shift 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s.%N)
timeout --kill-after=5 $((3 * max_seconds)) "$@" >"$log" 2>&1
status=$?
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "job ended after $seconds s with status $status; its output:"
sed 's/^/  | /' "$log"

verdict=0
# timeout says 124 (or 137 when it had to SIGKILL); mpirun itself exits 137 when a rank died of SIGKILL.
if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && awk -v s="$seconds" -v m="$max_seconds" \
                                  'BEGIN { exit !(s >= 3 * m) }'; }; then
  echo "FAIL: the job hung (killed after $((3 * max_seconds)) s)"; verdict=1
elif [ "$status" -eq 0 ]; then
  echo "FAIL: the job exited with status 0"; verdict=1
fi
if awk -v s="$seconds" -v m="$max_seconds" 'BEGIN { exit !(s > m) }'; then
  echo "FAIL: the job took $seconds s, more than $max_seconds s"; verdict=1
fi
if [ "$pattern" != "-" ] && ! grep -Eq -- "$pattern" "$log"; then
  echo "FAIL: no line of its output matches: $pattern"; verdict=1
fi
[ "$verdict" -eq 0 ] && echo "PASS"
exit "$verdict"
