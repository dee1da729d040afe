#!/usr/bin/env bash
# The output directory as two runs meet it:
#  - a directory another run holds (its .navox.lock flock'ed) is refused at once with
#    one clear line (before, two runs into one directory corrupted each other);
#  - a re-run into a used directory removes the steps the earlier run left, so no
#    stale step file sits beside the new ones (before, steps past the new run's end
#    stayed behind).
#   expect_directory_rules.sh MPIEXEC NP NAVOX INPUT_DIR
set -u
source "$(dirname "$0")/checks.sh"
mpiexec=$1 np=$2 navox=$3 data=$4
work=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$work"' EXIT
cp "$data/small_cell.yaml" "$data/cell_6x5x12.raw" "$work"/
cd "$work"
run() { $mpiexec -n "$np" "$navox" run small_cell.yaml --set output.directory=out --set output.every=1 "$@"; }

run --set "time.end=4 s" >first 2>&1 || { cat first; fail "first run"; }
# Steps at t = 1, 3, 4 s (dt doubles, then ends on time.end): steps 0-3.
[ -e out/navox_000003.h5 ] && [ -e out/navox_000003.pvti ] && [ -d out/navox_000003 ] || fail "first run wrote no step 3"
run --set "time.end=1 s" >second 2>&1 || { cat second; fail "second run"; }
for stale in out/navox_000002.h5 out/navox_000002.xmf out/navox_000002.pvti out/navox_000002 out/navox_000003.h5; do
  [ ! -e "$stale" ] || fail "the earlier run's $stale is still there"
done
[ -e out/navox_000001.h5 ] && [ -e out/navox_000001.pvti ] || fail "the second run's step 1 is missing"
grep -c "navox_00000[23]" out/navox.xmf out/navox.pvd | grep -v ":0$" && fail "a collection lists a stale step"

# Another run holds the directory.
flock out/.navox.lock sleep 30 </dev/null >/dev/null 2>&1 &
holder=$!
sleep 1
timeout 30 $mpiexec -n "$np" "$navox" run small_cell.yaml --set output.directory=out >third 2>&1
status=$?
cat third
expect_one_failure "$status" third "output directory out is in use by another navox run" "a held directory"
[ -e out/navox_000001.h5 ] || fail "the refused run touched the holder's files"
echo "ok: locked directory refused, stale steps removed"
