#!/usr/bin/env bash
# Runs the small cell, then scripts/plot on its output: every expected PNG is
# there, is a PNG and is more than a blank canvas. Skipped (77) where
# /usr/bin/python3 has no matplotlib.
#   expect_plot.sh MPIEXEC NAVOX INPUT PLOT
set -eu
source "$(dirname "$0")/checks.sh"
mpiexec=$1 navox=$2 input=$3 plot=$4
if ! /usr/bin/python3 -c "import matplotlib, numpy" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 lacks matplotlib or numpy (scripts/install-deps installs them)"
  exit 77
fi
in_scratch_copy "$input"
$mpiexec -n 1 "$navox" run "$(basename "$input")" --set output.directory=out > run.log || { cat run.log; echo "FAIL: navox run"; exit 1; }
[ -s out/navox.csv ] || { echo "FAIL: no out/navox.csv"; exit 1; }
# No navox.csv: one line on stderr, non-zero.
if "$plot" "$work/nothing_here" 2> err; then echo "FAIL: plot of a folder without navox.csv succeeded"; exit 1; fi
[ "$(wc -l < err)" -eq 1 ] && grep -q "no navox.csv" err || { cat err; echo "FAIL: message for a missing navox.csv"; exit 1; }
"$plot" out | tee plot.log
for f in voltage_time voltage_capacity current_time fractions_time thickness_time coulombic_efficiency; do
  png=out/plot_$f.png
  [ -f "$png" ] || { echo "FAIL: missing $png"; exit 1; }
  grep -qx "wrote $png" plot.log || { echo "FAIL: no line for $png"; exit 1; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "FAIL: $png is not a PNG"; exit 1; }
  [ "$(stat -c %s "$png")" -gt 10000 ] || { echo "FAIL: $png is only $(stat -c %s "$png") bytes"; exit 1; }
done
# Without the per-cycle table: a note, not a failure.
rm out/navox_cycles.csv
"$plot" out > plot2.log
grep -q "skipped plot_coulombic_efficiency.png" plot2.log || { echo "FAIL: no note for the Coulombic efficiency"; exit 1; }
# A staircase: V against the current density.
$mpiexec -n 1 "$navox" run "$(basename "$input")" --set output.directory=stairs --set time.end=10s \
  --set "protocol={steps: [{staircase: {from: 0.5 mA/cm^2, step: 0.5 mA/cm^2, to: 1.5 mA/cm^2, step_time: 1 s, direction: plate, cutoff: -1 V}}]}" \
  > stairs.log || { cat stairs.log; echo "FAIL: navox run of a staircase"; exit 1; }
"$plot" stairs > plot3.log
grep -qx "wrote stairs/plot_critical_current.png" plot3.log || { cat plot3.log; echo "FAIL: no critical-current plot for a staircase"; exit 1; }
! grep -q "plot_critical_current" plot.log || { echo "FAIL: a critical-current plot for a held voltage"; exit 1; }
# A constant current whose last digits vary from step to step, as a solved current
# does: no such plot either.
mkdir plate
printf '%s\n' 't [s],step,protocol_step,I [A/m^2],V [V],charge [C/m^2]' '0,0,0,0,0,0' '1,1,0,-10,-0.0100,-10' \
  '2,2,0,-9.999999996,-0.0101,-20' '3,3,0,-9.999999994,-0.0102,-30' '4,4,0,-10.00000001,-0.0103,-40' > plate/navox.csv
"$plot" plate > plot4.log
! grep -q "plot_critical_current" plot4.log || { echo "FAIL: a critical-current plot for a constant current"; exit 1; }
echo "ok: plots"
