#!/usr/bin/env bash
# `navox analyze` on 1, 2 and 4 ranks: the interface and chord tables are identical
# byte for byte, and so is the JSON up to the conduction solves (their iteration
# counts and times depend on the partition; their values are checked elsewhere).
#   expect_same_analysis.sh MPIEXEC NAVOX INPUT
set -eu
mpiexec=$1 navox=$2 input=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for np in 1 2 4; do
  $mpiexec -n "$np" "$navox" analyze "$input" --set analysis.output="$work/np$np/analysis.json" > "$work/np$np.log" 2>&1 ||
    { cat "$work/np$np.log"; echo "FAIL: analyze on $np ranks"; exit 1; }
  sed -e '/"ranks"/d' -e '/"directions"/,$d' "$work/np$np/analysis.json" > "$work/np$np.json"
done
cat "$work/np1.log"
for np in 2 4; do
  for f in analysis_interfaces.csv analysis_chords.csv; do
    cmp "$work/np1/$f" "$work/np$np/$f" || { echo "FAIL: $f differs between 1 and $np ranks"; exit 1; }
  done
  diff "$work/np1.json" "$work/np$np.json" || { echo "FAIL: analysis.json differs between 1 and $np ranks"; exit 1; }
done
grep -q '"percolates": false' "$work/np1/analysis.json" || { echo "FAIL: z should not percolate"; exit 1; }
echo "ok"
