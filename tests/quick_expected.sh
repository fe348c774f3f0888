#!/usr/bin/env bash
# quick_expected.sh - the default experiment gives the committed bytes on this machine.
#
# What: runs scripts/quick.lua (216 cells) in portable BLAS mode and compares runs.csv and
# evals.csv byte for byte with tests/expected/quick/, and curves.csv by its sha256 and each
# cell's (curves.sha256); a difference names the file, the first differing line, and the cells
# whose curves differ. The run is done under an ambient OPENBLAS_CORETYPE of Sandybridge so
# that portable mode is exercised even on a machine whose OpenBLAS would pick Haswell.
# Why: the reference was made on another machine (tests/expected/quick/provenance.txt says
# which); the same plan must give the same bytes on any x86-64 CPU with AVX2 and FMA.
# Regenerate the reference with scripts/golden/gen_quick_expected.sh, only for a change meant
# to change results.
# Versions: tests/expected/quick/versions.txt is the version of each component quick.lua uses
# (lrlab list --versions) when the reference was made. Results that differ while the versions
# are those of the reference fail as a change without a version bump (the old ids would stand
# for new results); versions that differ fail as a reference to regenerate. To see the first
# message: change one scheduler's arithmetic (e.g. return 0.999 * lr0 in schedulers/constant.c)
# and run this test; raise that scheduler's .version to 2 as well for the second.
# usage: quick_expected.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
exp=tests/expected/quick
env -u LRLAB_BLAS OPENBLAS_CORETYPE=Sandybridge "$bin" run scripts/quick.lua --out "$tmp/q" \
  --quiet -j 2 > "$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "lrlab run scripts/quick.lua failed"; }
grep -qx 'blas_kernel: Haswell' "$tmp/q/provenance.txt" || fail "provenance: not the portable kernel"
bad=0
for f in runs.csv evals.csv; do
  if ! cmp -s "$exp/$f" "$tmp/q/$f"; then
    line=$(cmp "$exp/$f" "$tmp/q/$f" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p' || true)
    echo "FAIL: $f differs from $exp/$f, first at line ${line:-?}:" >&2
    echo "  expected: $(sed -n "${line:-1}p" "$exp/$f")" >&2
    echo "  got:      $(sed -n "${line:-1}p" "$tmp/q/$f")" >&2
    bad=1
  fi
done
bash scripts/golden/curves_sha256.sh "$tmp/q/curves.csv" > "$tmp/curves.sha256"
if ! cmp -s "$exp/curves.sha256" "$tmp/curves.sha256"; then
  n=$(diff <(tail -n +2 "$exp/curves.sha256") <(tail -n +2 "$tmp/curves.sha256") | grep -c '^>' || true)
  echo "FAIL: curves.csv differs from the reference; $n cells' curves differ, first ones:" >&2
  { diff <(tail -n +2 "$exp/curves.sha256") <(tail -n +2 "$tmp/curves.sha256") | grep '^>' |
    head -5 | awk '{ print "  cell " $3 }' >&2; } || true
  bad=1
fi
"$bin" list --versions scripts/quick.lua > "$tmp/versions.txt" 2>&1 ||
  { cat "$tmp/versions.txt" >&2; fail "lrlab list --versions scripts/quick.lua failed"; }
if ! cmp -s "$exp/versions.txt" "$tmp/versions.txt"; then
  echo "FAIL: the components' versions differ from $exp/versions.txt:" >&2
  echo "  expected: $(cat "$exp/versions.txt")" >&2
  echo "  got:      $(cat "$tmp/versions.txt")" >&2
  echo "the reference must be regenerated: bash scripts/golden/gen_quick_expected.sh (and say" \
    "in the commit which component's results changed and why)" >&2
  bad=1
elif [ $bad -ne 0 ]; then
  echo "FAIL: results changed without a version bump ($(cat "$tmp/versions.txt")): bump the" \
    "version of the task, optimizer or scheduler whose arithmetic changed (its definition's" \
    ".version), then regenerate with scripts/golden/gen_quick_expected.sh" >&2
fi
[ $bad -eq 0 ] || { echo "reference made by:" >&2; sed 's/^/  /' "$exp/provenance.txt" >&2; exit 1; }
echo "ok: scripts/quick.lua gives the committed runs.csv, evals.csv and curves ($(tail -n +2 "$exp/runs.csv" | wc -l) rows)"
