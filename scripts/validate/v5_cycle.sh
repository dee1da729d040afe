# Sourced by scripts/validate/trapping and trapping_convergence: one V5 cycle, the run of
# inputs/cycling_pellet.yaml (one 1 mAh/cm^2 plate/strip cycle into a generated pellet,
# 16 x 16 um of it in x-y) that both read with v5_shares.py.
#
#   v5_cycle DIR LABEL METAL [--set KEY=VALUE ...]
#
# runs it on $NP ranks into DIR (its log DIR.log), the pellet preset and material METAL,
# without step files; on failure prints the log's tail and "FAILED: LABEL" and exits 1.
# Sourcing it checks that navox is built (one line and exit 1 if not), before any run.
[ -x "$NAVOX_BUILD/navox" ] || { echo "no navox at $NAVOX_BUILD/navox (scripts/build, or set NAVOX_BUILD)" >&2; exit 1; }
v5_cycle() {
  local dir=$1 label=$2 metal=$3 start
  shift 3
  start=$(date +%s)
  mpirun -n "$NP" "$NAVOX_BUILD/navox" run "$NAVOX_ROOT/inputs/cycling_pellet.yaml" --set "output.directory=$dir" \
    --set output.every=100000 --set "microstructure.generate.preset=$metal" \
    --set "microstructure.generate.material=$metal" "$@" > "$dir.log" 2>&1 ||
    { tail -n 5 "$dir.log"; echo "FAILED: $label" >&2; exit 1; }
  echo "$label: $(( $(date +%s) - start )) s wall on $NP ranks" >&2
}
