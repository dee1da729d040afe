#!/usr/bin/env bash
# A strip whose Na runs out ends at its cut-off, as on a cycler, instead of failing
# the run: tests/data/cli/bad_blocking_strip.yaml (no Na at all, so no face can
# carry the current) given a cut-off runs to the end with exit 0 and names why the
# step ended; without the cut-off it is the error that test expects.
#   expect_strip_to_cutoff.sh MPIEXEC NP NAVOX INPUT
set -u
mpiexec=$1 np=$2 navox=$3 input=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$(dirname "$input")" -maxdepth 1 -type f -exec cp {} "$work"/ \;
cd "$work"
$mpiexec -n "$np" "$navox" run "$(basename "$input")" --set "protocol.steps[0].strip.cutoff=0.5 V" >log 2>&1
status=$?
cat log
fail() { echo "FAIL: $*"; exit 1; }
[ "$status" -eq 0 ] || fail "exit status $status"
[ "$(grep -c 'no SE|metal face can carry 1 mA/cm^2 any more' log)" -eq 1 ] || fail "the step's end is not named once"
grep -q '^done: ' log || fail "the run did not finish"
echo "ok: the strip ended at its cut-off"
