#!/usr/bin/env bash
# e2e_run.sh - an experiment through the CLI, end to end: results complete and well formed,
# byte-identical on a second run and with --fresh, resumed without retraining, figures made.
# usage: e2e_run.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"

"$bin" run tests/e2e/tiny.lua --out "$tmp/a" --quiet > "$tmp/a.out"
"$bin" run tests/e2e/tiny.lua --out "$tmp/b" --quiet > "$tmp/b.out"
cells=$(( 2 * 2 * 3 * 2 ))
grep -q "tiny: $cells cells ($cells trained now" "$tmp/a.out" || fail "summary: $(cat "$tmp/a.out")"
[ "$(tail -n +2 "$tmp/a/runs.csv" | wc -l)" -eq $((cells * 3)) ] || fail "runs.csv rows"
[ "$(ls "$tmp/a/cells"/*.csv | wc -l)" -eq "$cells" ] || fail "cell files"
grep -q ',diverged,\|,failed,' "$tmp/a/runs.csv" && fail "unexpected divergence in tiny"
# --quiet quiets and skips nothing: the comparison files are written, no table is printed
for f in comparisons.csv tests.csv verdict.csv profiles.csv ranks.csv; do
  [ -s "$tmp/a/$f" ] || fail "--quiet: no $f"
done
grep -qi 'verdict\|baseline' "$tmp/a.out" && fail "--quiet printed the comparison: $(cat "$tmp/a.out")"
# the faces task clips to the stability bound: clips are counted, the column is numeric
awk -F, 'NR > 1 && $17 !~ /^[0-9]+$/ { exit 1 }' "$tmp/a/runs.csv" || fail "lr_clips column"
for f in runs.csv curves.csv evals.csv; do
  cmp "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two runs of the same plan"
done
for f in "$tmp/a"/cells/*.csv "$tmp/a"/curves/*.csv "$tmp/a"/evals/*.csv; do
  cmp "$f" "$tmp/b/${f#"$tmp/a/"}" || fail "$f differs"
done
n=$(ls "$tmp/a/figures"/*.png | wc -l)
[ "$n" -eq 4 ] || fail "expected 4 figures, got $n"
head -c 8 "$tmp/a/figures/nmf-faces__sgd.png" | od -An -tx1 | grep -q '89 50 4e 47' || fail "not a PNG"
grep -q '^blas: ' "$tmp/a/provenance.txt" || fail "provenance"
# provenance.txt keeps the canonical dump that cell ids hash: every key, numbers in %.17g (the
# plan run --check prints for a person leaves keys out and shortens numbers: cli_errors.sh)
grep -q '^  task      nmf-faces  .*;clip_to_bound=true;safety=1.8999999999999999;m=256;n=500;true_rank=10;noise=0.10000000000000001;' \
  "$tmp/a/provenance.txt" || fail "provenance: not the canonical dump: $(grep nmf-faces "$tmp/a/provenance.txt")"
[ "$(grep -c '^[0-9a-f]*,[0-9]*\.[0-9]*$' "$tmp/a/timing.csv")" -eq "$cells" ] || fail "timing.csv"

# resume: nothing is retrained and the merged files are unchanged
cp "$tmp/a/runs.csv" "$tmp/runs.before"
"$bin" run tests/e2e/tiny.lua --out "$tmp/a" --quiet > "$tmp/a2.out"
grep -q "(0 trained now, $cells already done" "$tmp/a2.out" || fail "resume: $(cat "$tmp/a2.out")"
cmp "$tmp/a/runs.csv" "$tmp/runs.before" || fail "resume changed runs.csv"
# a deleted cell is retrained, and only that one
rm "$tmp/a/cells/$(ls "$tmp/a/cells" | grep '\.csv$' | head -1)"
"$bin" run tests/e2e/tiny.lua --out "$tmp/a" --quiet > "$tmp/a3.out"
grep -q "(1 trained now" "$tmp/a3.out" || fail "partial resume: $(cat "$tmp/a3.out")"
cmp "$tmp/a/runs.csv" "$tmp/runs.before" || fail "retrained cell differs"
# --fresh retrains everything to the same bytes
"$bin" run tests/e2e/tiny.lua --out "$tmp/a" --fresh --quiet > "$tmp/a4.out"
grep -q "($cells trained now" "$tmp/a4.out" || fail "--fresh"
cmp "$tmp/a/runs.csv" "$tmp/runs.before" || fail "--fresh changed runs.csv"
echo "e2e: $cells cells, reproducible, resumable, $n figures"
