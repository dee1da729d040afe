#!/usr/bin/env bash
# `navox run` of one deck on 1 rank, on 2 ranks split along x, y and z, and on 4
# ranks: the nuclei CSV must be identical byte for byte, and the time series
# identical to 1e-7 of each column's largest value (the solver iteration counts,
# which depend on the partition, excepted). Also asserts that the run went
# through at least MIN_LIFT metres of collector lift, so that the comparison
# covers the discrete events (lifts, nucleation) where round-off used to decide.
#   expect_same_run.sh MPIEXEC NAVOX INPUT MIN_LIFT [--set KEY=VALUE ...]
set -eu
mpiexec=$1 navox=$2 input=$3 min_lift=$4
shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # name np processors [PETSc options]
  local name=$1 np=$2 procs=$3
  shift 3
  $mpiexec -n "$np" "$navox" run "$input" "$@" --set output.directory="$work/$name" \
    --set "grid.processors=$procs" "${extra[@]}" > "$work/$name.log" 2>&1 ||
    { tail -n 20 "$work/$name.log"; echo "FAIL: run $name on $np ranks"; exit 1; }
}
extra=("$@")
run np1 1 "[-1, -1, -1]"
run x2 2 "[2, 1, 1]"
run y2 2 "[1, 2, 1]"
run z2 2 "[-1, -1, -1]" -da_processors_x 1 -da_processors_y 1 -da_processors_z 2  # PETSc's own options
run np4 4 "[-1, -1, -1]"
grep partition "$work"/*.log
# Each 2-rank run split the axis it names (rank 0's block halved there only).
block() { sed -n 's/^partition: [0-9]* ranks, \([0-9]*\) x \([0-9]*\) x \([0-9]*\) voxels.*/\1 \2 \3/p' "$work/$1.log"; }
read -r fx fy fz <<< "$(block np1)"
for axis in x y z; do
  read -r bx by bz <<< "$(block ${axis}2)"
  case $axis in
    x) want="$(( (fx + 1) / 2 )) $fy $fz" ;;
    y) want="$fx $(( (fy + 1) / 2 )) $fz" ;;
    z) want="$fx $fy $(( (fz + 1) / 2 ))" ;;
  esac
  [ "$bx $by $bz" = "$want" ] || { echo "FAIL: the ${axis}2 run is split as $bx x $by x $bz, not $want"; exit 1; }
done
series=$(sed -n '1p' "$work/np1/navox.csv")
lift=$(awk -F, 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == "lift [m]") col = c; next }
                 { if ($col > m) m = $col } END { print m + 0 }' "$work/np1/navox.csv")
awk -v l="$lift" -v m="$min_lift" 'BEGIN { exit !(l >= m) }' ||
  { echo "FAIL: the run lifted the collector by $lift m, less than $min_lift m"; exit 1; }
rows=$(($(wc -l < "$work/np1/navox.csv") - 1))
nuclei=$(($(wc -l < "$work/np1/navox_nuclei.csv") - 1))
echo "np1: $rows steps, $nuclei nuclei, lift $lift m"
[ "$nuclei" -gt 0 ] || { echo "FAIL: no nuclei"; exit 1; }
for name in x2 y2 z2 np4; do
  cmp "$work/np1/navox_nuclei.csv" "$work/$name/navox_nuclei.csv" ||
    { diff "$work/np1/navox_nuclei.csv" "$work/$name/navox_nuclei.csv" | head; echo "FAIL: nuclei differ ($name)"; exit 1; }
  awk -F, -v name="$name" '
    FNR == 1 { file++; for (c = 1; c <= NF; c++) skip[c] = ($c ~ /_its$/); next }
    file == 1 { for (c = 1; c <= NF; c++) { a[FNR, c] = $c; v = $c < 0 ? -$c : $c; if (v > s[c]) s[c] = v }; n1 = FNR; next }
    { n2 = FNR
      for (c = 1; c <= NF; c++) {
        if (skip[c]) continue  # snes_its, ksp_its, potential_its
        d = $c - a[FNR, c]; if (d < 0) d = -d
        if (d > 1e-7 * s[c]) { printf "FAIL: %s row %d column %d: %s vs %s\n", name, FNR - 1, c, $c, a[FNR, c]; bad = 1; exit 1 }
      } }
    END { if (bad) exit 1; if (n1 != n2) { printf "FAIL: %s has %d rows, np1 %d\n", name, n2 - 1, n1 - 1; exit 1 } }
  ' "$work/np1/navox.csv" "$work/$name/navox.csv"
done
echo "ok: nuclei and time series the same on 1, 2 (x, y, z) and 4 ranks"
