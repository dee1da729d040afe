#!/usr/bin/env bash
# One rank killed with SIGKILL mid-run (the OOM killer, a node failure): the other
# ranks must not wait forever in the next collective call; the job ends within
# seconds with a non-zero status.
#   expect_rank_killed.sh MPIEXEC NAVOX INPUT_DIR
set -u
source "$(dirname "$0")/checks.sh"
mpiexec=$1 navox=$2 data=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$data/small_cell.yaml" "$data/cell_6x5x12.raw" .
"$mpiexec" -n 2 "$navox" run small_cell.yaml --set time.end=1000s --set time.dt=0.5s --set time.dt_max=0.5s \
  --set output.directory="$work/out" > run.log 2>&1 &
launcher=$!
for _ in $(seq 300); do
  [ "$( (wc -l < out/navox.csv) 2>/dev/null || echo 0)" -gt 3 ] && break
  sleep 0.1
done
victim=$(pgrep -P "$launcher" | tail -n 1)
[ -n "$victim" ] || fail "no rank found under mpirun $launcher"
kill -KILL "$victim"
start=$(date +%s)
for _ in $(seq 300); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.1; done
kill -0 "$launcher" 2>/dev/null && { kill -KILL "$launcher"; fail "the job still runs 30 s after a rank was killed"; }
wait "$launcher"
status=$?
took=$(($(date +%s) - start))
[ "$status" -ne 0 ] || fail "exit status 0 after a rank was killed"
[ "$took" -le 10 ] || fail "the job took $took s to end"
pgrep -f "output.directory=$work/out" > /dev/null && fail "a rank is still running"
echo "ok: rank killed: the job ended in $took s with status $status"
