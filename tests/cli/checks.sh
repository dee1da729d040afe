# Shared checks of the CLI test scripts (sourced).
fail() { echo "FAIL: $*"; exit 1; }

# expect_one_failure STATUS OUTPUT PATTERN WHAT: the command exited non-zero, was not
# killed by `timeout` (124: a hang), and printed PATTERN (a grep regex) exactly once.
expect_one_failure() {
  local status=$1 output=$2 pattern=$3 what=$4 count
  [ "$status" -ne 124 ] || fail "$what: hung (killed by timeout)"
  [ "$status" -ne 0 ] || fail "$what: exit status 0"
  count=$(grep -c -- "$pattern" "$output")
  [ "$count" -eq 1 ] || fail "$what: want \"$pattern\" once, got $count"
}

# in_scratch_copy INPUT: into a new folder (removed on exit, its path in $work) holding
# a copy of every file beside INPUT (the deck and its data).
in_scratch_copy() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  find "$(dirname "$1")" -maxdepth 1 -type f -exec cp {} "$work"/ \;
  cd "$work"
}
