#!/usr/bin/env bash
# The output directory's file system fills up mid-run: every rank exits non-zero
# within seconds with one line carrying the system's reason, and what was written
# before stays intact: every step the collections list reads, and the newest
# checkpoint continues the run (copied to a disk with room).
# A small tmpfs (2 MB) is mounted for it; without the right to mount (not root) the test
# is skipped (exit 77, which CTest reports as skipped, not passed).
#   expect_full_disk.sh MPIEXEC NP NAVOX COMPARE INPUT_DIR
set -u
source "$(dirname "$0")/checks.sh"
mpiexec=$1 np=$2 navox=$3 compare=$4 data=$5
work=$(mktemp -d)
disk=$work/disk
mkdir -p "$disk"
cleanup() { mountpoint -q "$disk" && umount "$disk"; rm -rf "$work"; }
trap cleanup EXIT
cp "$data/small_cell.yaml" "$data/cell_6x5x12.raw" "$work"/
mount -t tmpfs -o size=2m navox-full-disk "$disk" 2>/dev/null || { echo "skipped: cannot mount a tmpfs here (not root)"; exit 77; }
reason="No space left on device"
cd "$work"
settings=(--set time.end=400s --set time.dt_max=1s --set checkpoint.every=8 --set checkpoint.restart_interval=8 --set output.directory="$disk/out")
timeout 120 $mpiexec -n "$np" "$navox" run small_cell.yaml "${settings[@]}" > full.log 2>&1
status=$?
grep "navox: error" full.log || tail -5 full.log
expect_one_failure "$status" full.log "navox: error: .*$reason" "full disk"
grep -q "checkpoint: .*checkpoint_" full.log || fail "no checkpoint was written before the disk filled"
cp -r "$disk/out" copy
"$compare" readable copy || fail "a step the collections list is broken"
ls copy | grep -q "checkpoint_.*\.h5$" || fail "no checkpoint left"
$mpiexec -n "$np" "$navox" run small_cell.yaml "${settings[@]}" --set output.directory="$work/copy" \
  --set time.end=60s --restart latest > restart.log 2>&1 || { tail -20 restart.log; fail "restart from the kept checkpoint"; }
grep "restart: from" restart.log || fail "did not restart from a checkpoint"
echo "ok: full disk reported on every rank; earlier steps and checkpoint intact"
