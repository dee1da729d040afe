#!/usr/bin/env bash
# A step no shorter time step can save (here -1000 V plates the collector out of the
# cell), and a step that fails at time.dt_min, end the run with one line that names
# the checkpoint of the last good state, and that checkpoint continues the run once
# the deck is changed.
#   expect_failure_checkpointed.sh MPIEXEC NP NAVOX INPUT_DIR
set -u
source "$(dirname "$0")/checks.sh"
mpiexec=$1 np=$2 navox=$3 data=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$data/small_cell.yaml" "$data/cell_6x5x12.raw" .
run() { # second hold voltage, args
  local v=$1
  shift
  timeout 120 $mpiexec -n "$np" "$navox" run small_cell.yaml --set output.directory="$work/out" --set time.end=100s \
    --set "protocol={steps: [{hold: {voltage: -5 mV, duration: 10 s}}, {hold: {voltage: $v, duration: 10 s}}]}" "$@"
}
run "-1000 V" > fail.log 2>&1
status=$?
expect_one_failure "$status" fail.log "navox: error: .*(the state at step [0-9]* is in .*/checkpoint_[0-9]*\.h5)" "failed step"
grep "navox: error" fail.log
run "-5 mV" --restart latest > again.log 2>&1 || { tail -20 again.log; fail "the changed deck did not continue"; }
grep "restart: from" again.log || fail "not restarted from the checkpoint"

# A step that fails at dt_min (the flat cell stripped dry with dt_min = dt = 100 s).
flat=(--set time.dt=100s --set time.dt_max=100s --set "protocol.steps[2].strip.capacity=2 mAh/cm^2" --set output.directory="$work/flat")
timeout 120 $mpiexec -n "$np" "$navox" run "$data/../electrochem/flat_plating.yaml" "${flat[@]}" --set time.dt_min=100s > flat.log 2>&1
status=$?
expect_one_failure "$status" flat.log "navox: error: time step fell below time.dt_min = 100 s .*(the state at step [0-9]* is in .*/checkpoint_[0-9]*\.h5; --restart latest continues from it)" "dt_min"
grep "navox: error" flat.log
timeout 120 $mpiexec -n "$np" "$navox" run "$data/../electrochem/flat_plating.yaml" "${flat[@]}" --set time.dt_min=1us \
  --set "protocol.steps[2].strip.cutoff=0.2 V" --restart latest > flat_again.log 2>&1 || { tail -20 flat_again.log; fail "the run with a smaller dt_min did not continue"; }
grep "restart: from" flat_again.log || fail "not restarted from the checkpoint"
echo "ok: the last good state is checkpointed and continues"
