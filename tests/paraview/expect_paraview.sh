#!/usr/bin/env bash
# A navox run as a ParaView user meets it: the small cell on 2 ranks, written as
# VTK and HDF5/XDMF, read by ParaView's own readers (check_outputs.py: arrays,
# extents, values against the HDF5 datasets, NaN where undefined, times), then
# drawn by scripts/paraview/render: a PNG frame per step that is more than a blank
# canvas, and a state file that ParaView loads. Skipped (77) where pvpython is
# absent (scripts/install-deps unpacks Debian's python3-paraview into .deps/paraview).
#   expect_paraview.sh MPIEXEC NAVOX INPUT RENDER CHECK_PY
set -eu
source "$(dirname "$0")/../cli/checks.sh"
mpiexec=$1 navox=$2 input=$3 render=$4 check=$5
source "$(dirname "$render")/../common.sh"
pvpython=$(navox_pvpython)
if [ -z "$pvpython" ]; then
  echo "skipped: no pvpython (Debian's python3-paraview: scripts/install-deps unpacks it into .deps/paraview)"
  exit 77
fi
in_scratch_copy "$input"
$mpiexec -n 2 "$navox" run "$(basename "$input")" --set output.directory=out --set output.every=1 \
  --set "output.formats=[hdf5, vtk]" > run.log 2>&1 || { cat run.log; echo "FAIL: navox run"; exit 1; }
# The small cell: 6 x 5 x 12 voxels; label 0 = NBH (the SE), 1 = Cu (the collector).
"$pvpython" --no-mpi "$check" out 6 5 12 0 1 || exit 1
# A folder without a run: one line on stderr, non-zero.
if "$render" "$work/nothing_here" > /dev/null 2> err; then echo "FAIL: render of a folder without a run succeeded"; exit 1; fi
grep -q "render: .*no such file" err || { cat err; echo "FAIL: message for a folder without a run"; exit 1; }
"$render" out --format xdmf --size 900x300 > render.log 2> render.err || { cat render.err; echo "FAIL: render"; exit 1; }
steps=$(wc -l < out/navox.steps)
for ((f = 0; f < steps; f++)); do
  png=out/render/render_$(printf %06d "$f").png
  grep -qx "$png" render.log || grep -qx "$work/$png" render.log || { cat render.log; echo "FAIL: no line for $png"; exit 1; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "FAIL: $png is not a PNG"; exit 1; }
  [ "$(stat -c %s "$png")" -gt 10000 ] || { echo "FAIL: $png is only $(stat -c %s "$png") bytes"; exit 1; }
done
[ -s out/render/navox.pvsm ] || { echo "FAIL: no out/render/navox.pvsm"; exit 1; }
# A collection of one step at a time other than 0 (ParaView gives its time as a bare
# number): the last step's sidecar alone, as navox.xmf.
last=$(printf %06d "$(tail -n 1 out/navox.steps | cut -d' ' -f1)")
mkdir one && cp "out/navox_$last.h5" one/ && cp "out/navox_$last.xmf" one/navox.xmf
"$render" one --size 600x200 > one.log 2> one.err || { cat one.err; echo "FAIL: render of a one-step collection"; exit 1; }
grep -q "render_000000.png" one.log || { cat one.log; echo "FAIL: no frame for a one-step collection"; exit 1; }
"$pvpython" --no-mpi "$check" out 6 5 12 0 1 out/render/navox.pvsm | tail -n 1
echo "ok: paraview"
