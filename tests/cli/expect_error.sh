#!/usr/bin/env bash
# Runs `navox run INPUT` on NP ranks and checks what a user sees for bad input:
# a non-zero exit, the message from the input's "# expect:" line printed exactly
# once (by rank 0, not once per rank), no abort or crash, and no output claimed
# as complete. A line "# command: check" runs `navox check` instead.
#   expect_error.sh MPIEXEC NP NAVOX INPUT
set -u
mpiexec=$1 np=$2 navox=$3 input=$4
expected=$(sed -n '1s/^# expect: //p' "$input")
[ -n "$expected" ] || { echo "no '# expect:' line in $input"; exit 2; }
command=$(sed -n 's/^# command: //p' "$input" | head -n 1)
command=${command:-run}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$(dirname "$input")" -maxdepth 1 -type f -exec cp {} "$work"/ \;  # files only: a stray output folder must not matter
cd "$work"
$mpiexec -n "$np" "$navox" "$command" "$(basename "$input")" >stdout 2>stderr
status=$?
cat stdout stderr
fail() { echo "FAIL: $*"; exit 1; }
[ "$status" -ne 0 ] || fail "exit status 0 for bad input"
count=$(grep -cF -- "$expected" stderr)
[ "$count" -eq 1 ] || fail "expected message printed $count times, want once: $expected"
grep -qiE "terminate called|MPI_ABORT was invoked|Segmentation fault|stack trace|Traceback" stdout stderr && fail "crash or abort"
[ ! -e small_cell_out/navox.pvd ] || fail "output collection written for a failed run"
echo "ok: exit $status, one message"
