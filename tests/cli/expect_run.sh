#!/usr/bin/env bash
# Runs a small input end to end on NP ranks and checks the files a user opens.
#   expect_run.sh MPIEXEC NP NAVOX INPUT
set -eu
mpiexec=$1 np=$2 navox=$3 input=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$(dirname "$input")" -maxdepth 1 -type f -exec cp {} "$work"/ \;  # files only: a stray output folder must not matter
cd "$work"
$mpiexec -n "$np" "$navox" run "$(basename "$input")" | tee log
grep -q "^step     2" log
for f in navox.pvd navox.xmf navox_000000.h5 navox_000002.pvti navox_000002.xmf; do
  [ -s "small_cell_out/$f" ] || { echo "FAIL: missing small_cell_out/$f"; exit 1; }
done
n=$(ls small_cell_out/navox_000002/*.vti | wc -l)
[ "$n" -eq "$np" ] || { echo "FAIL: $n VTK pieces for $np ranks"; exit 1; }
echo "ok"
