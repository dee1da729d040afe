#!/usr/bin/env bash
# Damaged checkpoints: a bit flipped in the newest one's data, or the newest one
# truncated, is found by its checksum (or by HDF5) and --restart latest says so and
# continues from the one before; a damaged file named with --restart FILE, or no
# usable checkpoint at all, is an error on every rank.
#   expect_checkpoint_fallback.sh MPIEXEC NP NAVOX COMPARE INPUT
set -u
mpiexec=$1 np=$2 navox=$3 compare=$4 input=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
settings=(--set time.end=60s --set time.dt_max=1s --set checkpoint.every=8 --set checkpoint.restart_interval=8)
run() { # dir [args]
  local dir=$1
  shift
  "$mpiexec" -n "$np" "$navox" run "$input" --set output.directory="$work/$dir" "${settings[@]}" "$@"
}
run first > "$work/first.log" 2>&1 || { tail -20 "$work/first.log"; echo "FAIL: the first run"; exit 1; }
mapfile -t kept < <(ls "$work/first"/checkpoint_*.h5 | sort)
[ ${#kept[@]} = 2 ] || { echo "FAIL: ${#kept[@]} checkpoints kept, want 2 (checkpoint.keep)"; ls "$work/first"; exit 1; }
newest=$(basename "${kept[1]}") older=$(basename "${kept[0]}")
echo "checkpoints: $older $newest"

for damage in flip truncate; do
  cp -r "$work/first" "$work/$damage"
  if [ $damage = flip ]; then "$compare" flip "$work/$damage/$newest" /blocks/phi || exit 1
  else truncate -s 3000 "$work/$damage/$newest"; fi
  run $damage --restart latest > "$work/$damage.log" 2>&1 || { tail -20 "$work/$damage.log"; echo "FAIL: restart after $damage"; exit 1; }
  grep -q "checkpoint .*$newest cannot be used" "$work/$damage.log" || { cat "$work/$damage.log"; echo "FAIL: $damage not reported"; exit 1; }
  grep -q "restart: from .*$older" "$work/$damage.log" || { cat "$work/$damage.log"; echo "FAIL: not restarted from $older"; exit 1; }
  grep "cannot be used" "$work/$damage.log"
done
grep -q "checksum does not match" "$work/flip.log" || { echo "FAIL: the flipped bit was not found by the checksum"; exit 1; }

# A damaged file named explicitly: no fallback.
cp -r "$work/first" "$work/named"
"$compare" flip "$work/named/$newest" /blocks/xi > /dev/null || exit 1
run named --restart "$work/named/$newest" > "$work/named.log" 2>&1
status=$?
[ $status = 1 ] || { cat "$work/named.log"; echo "FAIL: a damaged --restart FILE exited $status"; exit 1; }
grep -q "navox: error: .*$newest is damaged" "$work/named.log" || { cat "$work/named.log"; echo "FAIL: message"; exit 1; }
# Every checkpoint damaged.
"$compare" flip "$work/named/$older" /blocks/xi > /dev/null || exit 1
run named --restart latest > "$work/none.log" 2>&1
status=$?
[ $status = 1 ] || { cat "$work/none.log"; echo "FAIL: no usable checkpoint exited $status"; exit 1; }
grep "navox: error: no usable checkpoint" "$work/none.log" || { cat "$work/none.log"; echo "FAIL: message"; exit 1; }
echo "ok: damaged checkpoints found and passed over"
