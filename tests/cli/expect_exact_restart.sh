#!/usr/bin/env bash
# A run stopped by a signal and continued with --restart latest must give what the
# same run gives straight through: every output step file and the time series and
# nuclei CSVs bit for bit on the same rank count (TOL 0), to TOL on another.
#   expect_exact_restart.sh MPIEXEC NAVOX COMPARE INPUT NP NP_RESTART SIGNAL TOL [--set KEY=VALUE ...]
# SIGNAL: TERM (sent to the ranks, as scancel does) or USR1 (sent to mpirun, which
# passes it on, as SLURM's --signal=B:USR1 via the batch script).
set -u
mpiexec=$1 navox=$2 compare=$3 input=$4 np=$5 np_restart=$6 signal=$7 tol=$8
shift 8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # dir np [args]
  local dir=$1 n=$2
  shift 2
  "$mpiexec" -n "$n" "$navox" run "$input" --set output.directory="$work/$dir" "${extra[@]}" "$@"
}
extra=("$@")
run straight "$np" > "$work/straight.log" 2>&1 || { tail -20 "$work/straight.log"; echo "FAIL: the straight run"; exit 1; }
rows=$(($(wc -l < "$work/straight/navox.csv") - 1))
[ "$rows" -ge 30 ] || { echo "FAIL: the straight run has only $rows steps"; exit 1; }
half=$((rows / 2))

"$mpiexec" -n "$np" "$navox" run "$input" --set output.directory="$work/stopped" "${extra[@]}" > "$work/stopped.log" 2>&1 &
launcher=$! # mpirun itself; the ranks are its children
for _ in $(seq 600); do
  [ "$( (wc -l < "$work/stopped/navox.csv") 2>/dev/null || echo 0)" -gt "$half" ] && break
  sleep 0.1
done
if [ "$signal" = TERM ]; then  # to the ranks, mpirun's children; twice: the second must change nothing
  pkill -TERM -P "$launcher"; sleep 0.05; pkill -TERM -P "$launcher"
else kill -USR1 "$launcher"; fi
wait "$launcher"
status=$?
grep -E "signal received|checkpoint:" "$work/stopped.log"
[ "$status" = 75 ] || { tail -20 "$work/stopped.log"; echo "FAIL: the stopped run exited $status, not 75"; exit 1; }
stopped_rows=$(($(wc -l < "$work/stopped/navox.csv") - 1))
[ "$stopped_rows" -lt "$rows" ] || { echo "FAIL: the signal came after the run's end"; exit 1; }

run stopped "$np_restart" --restart latest > "$work/restart.log" 2>&1 ||
  { tail -20 "$work/restart.log"; echo "FAIL: the restarted run"; exit 1; }
grep "restart:" "$work/restart.log"
echo "stopped after $stopped_rows of $rows steps on $np ranks; restarted on $np_restart"
"$compare" same "$work/straight" "$work/stopped" "$tol" || exit 1
echo "ok: restart continues the run"
