#!/usr/bin/env bash
# The same run twice on the same rank count gives the same output bit for bit: every
# output step file and the time series (results must not depend on the order in which
# messages arrive).
#   expect_same_twice.sh MPIEXEC NAVOX COMPARE INPUT NP [--set KEY=VALUE ...]
set -u
mpiexec=$1 navox=$2 compare=$3 input=$4 np=$5
shift 5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in first second; do
  "$mpiexec" -n "$np" "$navox" run "$input" --set output.directory="$work/$run" "$@" > "$work/$run.log" 2>&1 ||
    { tail -20 "$work/$run.log"; echo "FAIL: the $run run"; exit 1; }
done
"$compare" same "$work/first" "$work/second" 0 || { echo "FAIL: the two runs differ"; exit 1; }
echo "ok: the same run twice, bit for bit"
