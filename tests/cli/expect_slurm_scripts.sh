#!/usr/bin/env bash
# The SLURM scripts in scripts/slurm, run without SLURM: fake sbatch, srun, mpirun
# and scontrol on PATH log their arguments, and a navox stub exits with a given
# status or waits for SIGUSR1/SIGTERM and then exits 75 (checkpointed). Checks:
#  - navox.sbatch runs navox under srun inside a job (mpirun outside one), exits
#    with navox's status, and passes SIGUSR1 (and TERM, as USR1) on to the launcher;
#  - chain.sbatch resubmits itself on 75 with --restart latest (replacing a given
#    --restart), after this job, with the chain counter raised; not on 0 or 1; not
#    once the counter reaches NAVOX_CHAIN_MAX;
#  - make-sweep writes the cartesian product and prints --array=0-(N-1);
#  - sweep.sbatch task K runs line K+1 of the table (task 0: line 1) into its own
#    output directory, and a checkpointed task resubmits only itself.
# Each script is also checked with bash -n. Scripts run from a copy, as SLURM runs
# them from its spool directory; they find scripts/slurm through scontrol.
#   expect_slurm_scripts.sh
set -u
source "$(dirname "$0")/checks.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
slurm=$root/scripts/slurm
work=$(mktemp -d)
# A navox stub a failing check left waiting: its pid is in $FAKE_LOG.started.
trap '[ -s "$FAKE_LOG.started" ] && kill "$(cat "$FAKE_LOG.started")" 2>/dev/null; rm -rf "$work"' EXIT
bin=$work/bin spool=$work/spool
mkdir -p "$bin" "$spool"
export FAKE_LOG=$work/log

for script in navox.sbatch chain.sbatch sweep.sbatch make-sweep; do
  [ -f "$slurm/$script" ] || fail "no scripts/slurm/$script"
  bash -n "$slurm/$script" || fail "bash -n $script"
done

# --- fakes --------------------------------------------------------------------
cat >"$bin/navox-stub" <<'EOF'
#!/bin/bash
echo "navox$(printf ' [%s]' "$@")" >>"$FAKE_LOG"
if [ "$FAKE_NAVOX" = wait ]; then
  trap 'echo "navox got USR1" >>"$FAKE_LOG"; kill $sleeper; rm -f "$FAKE_LOG.started"; exit 75' USR1
  trap 'echo "navox got TERM" >>"$FAKE_LOG"; kill $sleeper; rm -f "$FAKE_LOG.started"; exit 75' TERM
  sleep 30 &
  sleeper=$!
  echo $$ >"$FAKE_LOG.started"
  wait $sleeper
  exit 99
fi
exit "$FAKE_NAVOX"
EOF
# srun and mpirun: log, drop their own options, run the task, forward USR1 to it.
cat >"$bin/srun" <<'EOF'
#!/bin/bash
name=$(basename "$0")
echo "$name$(printf ' [%s]' "$@")" >>"$FAKE_LOG"
while [ $# -gt 0 ]; do
  case $1 in -n|-np) shift 2 ;; -*) shift ;; *) break ;; esac
done
"$@" &
task=$!
trap 'got=1; echo "$name got USR1" >>"$FAKE_LOG"; kill -USR1 $task' USR1
trap 'got=1; echo "$name got TERM" >>"$FAKE_LOG"; kill -TERM $task' TERM
while :; do
  got=
  wait $task
  status=$?
  [ -n "$got" ] && [ $status -gt 128 ] || break
done
exit $status
EOF
cp "$bin/srun" "$bin/mpirun"
cat >"$bin/sbatch" <<'EOF'
#!/bin/bash
echo "sbatch$(printf ' [%s]' "$@") count=${NAVOX_CHAIN_COUNT:-} max=${NAVOX_CHAIN_MAX:-} dir=${NAVOX_SLURM_DIR:-}" >>"$FAKE_LOG"
echo "Submitted batch job 2002"
EOF
cat >"$bin/scontrol" <<'EOF'
#!/bin/bash
echo "scontrol$(printf ' [%s]' "$@")" >>"$FAKE_LOG"
[ "$*" = "show job -o $SLURM_JOB_ID" ] || exit 1
echo "JobId=$SLURM_JOB_ID JobName=$FAKE_JOB_NAME UserId=me(1000) Account=(null) QOS=normal JobState=RUNNING TimeLimit=02:00:00 Partition=batch NumNodes=2 NumCPUs=64 NumTasks=64 Command=$FAKE_COMMAND WorkDir=$PWD StdOut=$PWD/navox-$SLURM_JOB_ID.log"
EOF
chmod +x "$bin"/*
export PATH=$bin:$PATH NAVOX=$bin/navox-stub
unset SLURM_JOB_ID SLURM_ARRAY_TASK_ID SLURM_ARRAY_JOB_ID NAVOX_CHAIN_COUNT NAVOX_CHAIN_MAX NAVOX_OUTPUT \
      NAVOX_LAUNCHER NAVOX_SLURM_DIR NAVOX_SBATCH_OPTS NAVOX_SRUN_OPTS NAVOX_NP

cd "$work"
deck=deck.yaml
touch "$deck"

# job SCRIPT [ENV=VALUE ...] -- ARGS...: runs a copy of scripts/slurm/SCRIPT as job
# 1001 would (from the spool, Command= the real path), in the background; sets pid.
job() {
  local script=$1
  shift
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  : >"$FAKE_LOG"
  rm -f "$FAKE_LOG.started"
  cp "$slurm/$script" "$spool/slurm_script"
  env SLURM_JOB_ID=1001 FAKE_COMMAND="$slurm/$script" FAKE_JOB_NAME="${script%.sbatch}" FAKE_NAVOX=0 "${env[@]}" \
    bash "$spool/slurm_script" "$@" >"$work/out" 2>&1 &
  pid=$!
}
# finish WHAT: waits for the job; sets status, fails if it hangs.
finish() {
  local i
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill "$pid"; cat "$work/out"; fail "$1: hung"; }
  wait "$pid"
  status=$?
}
# signal SIG WHAT: once navox waits, sends SIG to the batch shell, as SLURM does.
signal() {
  local i
  for i in $(seq 100); do [ -e "$FAKE_LOG.started" ] && break; sleep 0.1; done
  [ -e "$FAKE_LOG.started" ] || { cat "$work/out" "$FAKE_LOG"; fail "$2: navox did not start"; }
  kill -s "$1" "$pid"
}
expect_status() { [ "$status" -eq "$1" ] || { cat "$work/out" "$FAKE_LOG"; fail "$2: exit status $status, want $1"; }; }
expect_log() { grep -qF -- "$1" "$FAKE_LOG" || { cat "$work/out" "$FAKE_LOG"; fail "$2: the log lacks: $1"; }; }
expect_no_log() { ! grep -qF -- "$1" "$FAKE_LOG" || { cat "$work/out" "$FAKE_LOG"; fail "$2: the log has: $1"; }; }
expect_out() { grep -qF -- "$1" "$work/out" || { cat "$work/out"; fail "$2: the job's output lacks: $1"; }; }
sbatch_calls() { grep -c '^sbatch' "$FAKE_LOG"; }

# --- navox.sbatch ---------------------------------------------------------------
for s in 0 1 75; do
  job navox.sbatch FAKE_NAVOX=$s -- "$deck" --set "conditions.temperature=313 K"
  finish "template, navox exits $s"
  expect_status $s "template, navox exits $s"
  expect_log "srun [--kill-on-bad-exit=0] [--wait=120] [$NAVOX] [run] [$deck] [--set] [conditions.temperature=313 K]" "template under SLURM"
  expect_log "navox [run] [$deck] [--set] [conditions.temperature=313 K]" "template"
  [ "$(sbatch_calls)" -eq 0 ] || fail "the template (no chain) resubmitted"
done
for sig in USR1 TERM; do
  job navox.sbatch FAKE_NAVOX=wait -- "$deck"
  signal $sig "template, SIG$sig"
  finish "template, SIG$sig"
  expect_status 75 "template, SIG$sig"
  expect_log "srun got USR1" "template forwards SIG$sig to srun as USR1"
  expect_log "navox got USR1" "template, SIG$sig reaches navox"
  [ "$(sbatch_calls)" -eq 0 ] || fail "the template (no chain) resubmitted"
done
# Outside SLURM: mpirun, -n from NAVOX_NP, the output directory from NAVOX_OUTPUT.
: >"$FAKE_LOG"
rm -f "$FAKE_LOG.started"
FAKE_NAVOX=wait NAVOX_NP=2 NAVOX_OUTPUT=runs/a bash "$slurm/navox.sbatch" "$deck" >"$work/out" 2>&1 &
pid=$!
signal USR1 "template outside SLURM"
finish "template outside SLURM"
expect_status 75 "template outside SLURM"
expect_log "mpirun [-n] [2] [$NAVOX] [run] [$deck] [--set] [output.directory=runs/a]" "template outside SLURM"
expect_log "mpirun got USR1" "template forwards USR1 to mpirun"
expect_log "navox got USR1" "template outside SLURM, USR1 reaches navox"
echo "ok: navox.sbatch"

# --- chain.sbatch ---------------------------------------------------------------
set_arg="protocol.steps[0].plate.current_density=1 mA/cm^2"
job chain.sbatch FAKE_NAVOX=75 -- "$deck" --set "$set_arg" --restart old.h5 -phi_ksp_monitor
finish "chain, navox exits 75"
expect_status 75 "chain, navox exits 75"
[ "$(sbatch_calls)" -eq 1 ] || fail "chain on 75: want one sbatch, got $(sbatch_calls)"
expect_log "sbatch [--export=ALL] [--dependency=afterany:1001] [--job-name=chain] [--time=02:00:00] [--partition=batch] [--qos=normal] [--nodes=2] [--ntasks=64] [$slurm/chain.sbatch] [$deck] [--set] [$set_arg] [-phi_ksp_monitor] [--restart] [latest] count=1 max=10 dir=$slurm" \
  "chain resubmits itself with --restart latest"
expect_no_log "Account" "chain passes no (null) account"
[ "$(grep -c '^scontrol' "$FAKE_LOG")" -le 2 ] || fail "chain: scontrol asked more than twice"

job chain.sbatch FAKE_NAVOX=wait NAVOX_CHAIN_COUNT=2 NAVOX_CHAIN_MAX=3 -- "$deck"
signal USR1 "chain, SIGUSR1"
finish "chain, SIGUSR1"
expect_status 75 "chain, SIGUSR1"
expect_log "navox got USR1" "chain, SIGUSR1 reaches navox"
expect_log "[$slurm/chain.sbatch] [$deck] [--restart] [latest] count=3 max=3" "chain resubmits after SIGUSR1"

for s in 0 1; do
  job chain.sbatch FAKE_NAVOX=$s -- "$deck" --restart latest
  finish "chain, navox exits $s"
  expect_status $s "chain, navox exits $s"
  [ "$(sbatch_calls)" -eq 0 ] || fail "chain resubmitted on exit $s"
done
expect_out "chain stopped: navox failed with status 1" "chain reports a failure"

job chain.sbatch FAKE_NAVOX=75 NAVOX_CHAIN_COUNT=3 NAVOX_CHAIN_MAX=3 -- "$deck" --restart latest
finish "chain at its maximum"
expect_status 75 "chain at its maximum"
[ "$(sbatch_calls)" -eq 0 ] || fail "chain resubmitted past NAVOX_CHAIN_MAX"
expect_out "reached NAVOX_CHAIN_MAX=3" "chain at its maximum says so"
echo "ok: chain.sbatch"

# --- make-sweep and sweep.sbatch -------------------------------------------------
key1="protocol.steps[0].plate.current_density" key2=conditions.temperature
command=$("$slurm/make-sweep" -o sweep.txt --deck "$deck" "$key1=0.5 mA/cm^2,1 mA/cm^2, 2 mA/cm^2" "$key2=293 K,313 K" 2>/dev/null) ||
  fail "make-sweep"
cat >want.txt <<EOF
$key1=0.5 mA/cm^2 $key2=293 K
$key1=0.5 mA/cm^2 $key2=313 K
$key1=1 mA/cm^2 $key2=293 K
$key1=1 mA/cm^2 $key2=313 K
$key1=2 mA/cm^2 $key2=293 K
$key1=2 mA/cm^2 $key2=313 K
EOF
diff want.txt sweep.txt || fail "make-sweep: not the cartesian product"
[ "$command" = "sbatch --array=0-5 $slurm/sweep.sbatch sweep.txt $deck" ] || fail "make-sweep printed: $command"
command=$("$slurm/make-sweep" -o one.txt --sep ';' "mechanics.stack_pressure=1 MPa;2 MPa;5 MPa;10 MPa" 2>/dev/null) ||
  fail "make-sweep, one key"
[ "$(wc -l <one.txt)" -eq 4 ] && [ "$(sed -n 4p one.txt)" = "mechanics.stack_pressure=10 MPa" ] || fail "make-sweep, one key"
[[ $command == "sbatch --array=0-3 "* ]] || fail "make-sweep, one key, printed: $command"

for task in 0 4 5; do
  line=$(sed -n "$((task + 1))p" sweep.txt)
  v1=${line#"$key1="}
  v1=${v1%" $key2="*}
  v2=${line#*" $key2="}
  job sweep.sbatch SLURM_ARRAY_TASK_ID=$task -- sweep.txt "$deck" -phi_ksp_monitor
  finish "sweep task $task"
  expect_status 0 "sweep task $task"
  expect_log "navox [run] [$deck] [--set] [output.directory=./sweep-out/task-$task] [--set] [$key1=$v1] [--set] [$key2=$v2] [-phi_ksp_monitor]" \
    "sweep task $task runs line $((task + 1))"
done
job sweep.sbatch SLURM_ARRAY_TASK_ID=6 -- sweep.txt "$deck"
finish "sweep task past the table"
[ "$status" -ne 0 ] && [ "$status" -ne 75 ] || fail "sweep task 6 of 6 lines: exit status $status"
expect_no_log "navox [run]" "sweep task past the table"
expect_out "no line for task 6" "sweep task past the table"

job sweep.sbatch SLURM_ARRAY_TASK_ID=4 FAKE_NAVOX=75 NAVOX_CHAIN_MAX=2 NAVOX_OUTPUT=/scratch/sw -- sweep.txt "$deck"
finish "sweep task checkpointed"
expect_status 75 "sweep task checkpointed"
expect_log "navox [run] [$deck] [--set] [output.directory=/scratch/sw/task-4]" "sweep output under NAVOX_OUTPUT"
expect_log "[--dependency=afterany:1001] [--array=4] " "a checkpointed sweep task resubmits itself alone"
expect_log "[$slurm/sweep.sbatch] [sweep.txt] [$deck] [--restart] [latest] count=1 max=2" "sweep task resubmission"
echo "ok: sweep"
echo "ok: slurm scripts"
