#!/usr/bin/env bash
# docs/input-reference.md is what `navox reference` makes of the reference decks
# now (scripts/input-reference rewrites it), and every key in it has a meaning.
#   expect_input_reference.sh NAVOX SOURCE_DIR
set -eu
navox=$1 root=$2
cd "$root"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$navox" reference tests/data/reference/*.yaml > "$out" || { echo "FAIL: navox reference"; exit 1; }
if ! diff -u docs/input-reference.md "$out" > /dev/null; then
  diff -u docs/input-reference.md "$out" | head -n 40
  echo "FAIL: docs/input-reference.md is out of date: run scripts/input-reference"
  exit 1
fi
if grep -q "(no meaning given)" "$out"; then
  grep "(no meaning given)" "$out" | head -n 20
  echo "FAIL: keys without a meaning (give one with Section::explain where the key is read)"
  exit 1
fi
keys=$(grep -c '^| `' "$out")
echo "ok: input reference current, $keys keys, each with a meaning"
