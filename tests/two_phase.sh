#!/usr/bin/env bash
# two_phase.sh - the tuning stage sharded like the evaluation cells gives the bytes of one run.
#
# What: tests/e2e/tune_extend.lua (six tuning rounds: the grid, then one point at a time past
# its edge) and tests/e2e/tune_seeds.lua (two tuning seeds) are each run
#   - once, unsharded, into REF;
#   - as the cluster pipeline: `--phase tune --shard K/3` into T1..T3 (each trains its third
#     of round 1 and stops), `--phase tune --reuse T1 --reuse T2 --reuse T3` into OUT (takes
#     round 1, trains the later rounds, writes tuning.csv, tuning-cells.csv, plan.csv),
#     `--phase eval --shard K/2 --reuse OUT` into E1, E2 (trains no tuning cell) and
#     `lrlab merge OUT E1 E2`;
# and OUT's runs.csv, evals.csv, curves.csv, plan.csv, tuning.csv and tuning-cells.csv must be
# byte-identical to REF's (a folder merged again from shards of another grid gets their
# tuning files), also when a tuning cell crashes (its shard and the join record it
# failed, the evaluation shards read it as +inf, as one run does). Also: the tuning shards'
# cells partition round 1; a tuning shard run
# again trains nothing; `--phase eval` before the tuning is done is refused (exit 2, one line
# naming a tuning cell, nothing written: a shard run again keeps its provenance), as are a bad
# --phase and --phase tune of an experiment without a tuning stage.
# Why: a matrix spread over a cluster must give the answer of one machine, and no node may
# train the whole tuning stage.
# usage: two_phase.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
for script in tests/e2e/tune_extend.lua tests/e2e/tune_seeds.lua; do
  t=$tmp/$(basename "$script" .lua)
  "$bin" run "$script" --out "$t/ref" -j 2 --quiet > /dev/null
  # refused before the tuning stage is done, nothing written
  rc=0
  "$bin" run "$script" --phase eval --shard 1/2 --out "$t/early" --quiet > /dev/null 2> "$t/err" || rc=$?
  [ $rc -eq 2 ] || fail "$script: --phase eval first: exit $rc: $(cat "$t/err")"
  grep -qE "^lrlab: --phase eval: tuning cell [0-9a-f]{16} \(round 1: .*\) is complete in none of $t/early and the --reuse folders \(expected the tuning stage done: lrlab run SCRIPT --phase tune first\)$" "$t/err" \
    || fail "$script: --phase eval first: $(cat "$t/err")"
  [ "$(wc -l < "$t/err")" -eq 1 ] || fail "$script: more than one line: $(cat "$t/err")"
  [ ! -e "$t/early" ] || fail "$script: --phase eval first: the output folder was written"
  n1=$(awk -F, 'NR > 1 && $2 == 1' "$t/ref/tuning-cells.csv" | wc -l)
  trained=0
  for k in 1 2 3; do
    out=$("$bin" run "$script" --phase tune --shard "$k/3" --out "$t/t$k" -j 1 --quiet)
    m=$(echo "$out" | sed -n 's/.*done (\([0-9]*\) trained now.*/\1/p')
    want=$(awk -F, -v k=$k 'NR > 1 && $2 == 1 && $3 % 3 == k - 1' "$t/ref/tuning-cells.csv" | wc -l)
    [ "$m" = "$want" ] || fail "$script: tuning shard $k/3 trained ${m:-?} cells (expected $want): $out"
    trained=$((trained + m))
    [ ! -e "$t/t$k/plan.csv" ] && [ ! -e "$t/t$k/tuning.csv" ] || fail "$script: a tuning shard wrote the plan"
    out=$("$bin" run "$script" --phase tune --shard "$k/3" --out "$t/t$k" -j 1 --quiet)
    echo "$out" | grep -q "(0 trained now" || fail "$script: tuning shard $k rerun: $out"
  done
  [ $trained -eq "$n1" ] || fail "$script: the tuning shards trained $trained cells (expected round 1's $n1)"
  "$bin" run "$script" --phase tune --out "$t/out" --reuse "$t/t1" --reuse "$t/t2" --reuse "$t/t3" \
    -j 2 --quiet > "$t/tune.out"
  grep -q "taken from --reuse" "$t/tune.out" || fail "$script: tune join: $(cat "$t/tune.out")"
  for k in 1 2; do
    out=$("$bin" run "$script" --phase eval --shard "$k/2" --out "$t/e$k" --reuse "$t/out" -j 1 --quiet)
    [ ! -e "$t/e$k/tuning-cells.csv" ] || [ -z "$(ls "$t/e$k/cells" | grep -f <(tail -n +2 "$t/ref/tuning-cells.csv" | cut -d, -f1) || true)" ] \
      || fail "$script: eval shard $k holds tuning cells"
  done
  "$bin" merge "$t/out" "$t/e1" "$t/e2" --quiet > /dev/null
  for f in runs.csv evals.csv curves.csv plan.csv tuning.csv tuning-cells.csv; do
    cmp -s "$t/ref/$f" "$t/out/$f" || fail "$script: $f of the two-phase pipeline differs from one run"
  done
done
# a tuning cell that crashes (in its shard and again in the join) counts as +inf, as in one run
t=$tmp/crash
crash=$(awk -F, 'NR == 3 { print $1 }' "$tmp/tune_extend/ref/tuning-cells.csv")
export LRLAB_FAULT_CRASH=$crash
"$bin" run tests/e2e/tune_extend.lua --out "$t/ref" -j 2 --quiet > /dev/null 2>&1 || true
grep -q "crashed" "$t/ref/cells/$crash.csv" || fail "the fault was not injected into $crash"
for k in 1 2; do
  "$bin" run tests/e2e/tune_extend.lua --phase tune --shard "$k/2" --out "$t/t$k" -j 1 --quiet > /dev/null 2>&1 || true
done
"$bin" run tests/e2e/tune_extend.lua --phase tune --out "$t/out" --reuse "$t/t1" --reuse "$t/t2" \
  -j 2 --quiet > /dev/null 2> "$t/join.err" || true
grep -q "crashed" "$t/out/cells/$crash.csv" || fail "the join did not train the failed cell again"
unset LRLAB_FAULT_CRASH
for k in 1 2; do
  "$bin" run tests/e2e/tune_extend.lua --phase eval --shard "$k/2" --out "$t/e$k" --reuse "$t/out" -j 1 --quiet > /dev/null \
    || fail "an evaluation shard refused a tuning stage with a failed cell"
done
"$bin" merge "$t/out" "$t/e1" "$t/e2" --quiet > /dev/null
for f in runs.csv evals.csv tuning.csv; do
  cmp -s "$t/ref/$f" "$t/out/$f" || fail "with a crashed tuning cell: $f of the pipeline differs from one run"
done
# the old flow (--phase all: each shard tunes the whole stage) merges tuning.csv too
t=$tmp/tune_extend
for k in 1 2; do "$bin" run tests/e2e/tune_extend.lua --shard "$k/2" --out "$t/a$k" -j 1 --quiet > /dev/null; done
"$bin" merge "$t/am" "$t/a1" "$t/a2" --quiet > /dev/null
for f in runs.csv tuning.csv tuning-cells.csv; do
  cmp -s "$t/ref/$f" "$t/am/$f" || fail "--phase all shards merged: $f differs from one run"
done
# shards of a grid with one more rate below it choose the same rates (the same plan): merged
# into the same folder, its tuning files are theirs, not the earlier merge's
sed 's/lr = {1e-4, 3e-4, 1e-3}/lr = {3e-5, 1e-4, 3e-4, 1e-3}/' tests/e2e/tune_extend.lua > "$t/wider.lua"
for k in 1 2; do "$bin" run "$t/wider.lua" --shard "$k/2" --out "$t/w$k" -j 1 --quiet > /dev/null; done
cmp -s "$t/w1/plan.csv" "$t/am/plan.csv" || fail "the wider grid gives another plan: $(diff "$t/w1/plan.csv" "$t/am/plan.csv")"
"$bin" merge "$t/am" "$t/w1" "$t/w2" --quiet > /dev/null
for f in tuning.csv tuning-cells.csv; do
  cmp -s "$t/w1/$f" "$t/am/$f" || fail "merged again from shards of a wider grid: $f is the earlier merge's"
done
# an evaluation shard run again with folders that lack the tuning is refused and leaves the
# shard as it was (its provenance names the folders that made it)
cp "$t/e1/provenance.txt" "$tmp/prov"
rc=0
"$bin" run tests/e2e/tune_extend.lua --phase eval --shard 1/2 --out "$t/e1" --reuse "$t/t1" -j 1 --quiet > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "^lrlab: --phase eval: tuning cell .* is complete in none of" "$tmp/err" \
  || fail "--phase eval without the tuning: exit $rc: $(cat "$tmp/err")"
cmp -s "$tmp/prov" "$t/e1/provenance.txt" || fail "--phase eval refused: the shard's provenance.txt was rewritten"
# --phase tune of an experiment without a tuning stage is refused
rc=0
"$bin" run tests/e2e/tiny.lua --phase tune --shard 1/2 --out "$tmp/no" > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "^lrlab: --phase tune: experiment tiny has no tuning stage (expected tune = { seed = S } and an lr grid in tests/e2e/tiny.lua; without one, run it without --phase)$" "$tmp/err" \
  || fail "--phase tune without a tuning stage: exit $rc: $(cat "$tmp/err")"
[ ! -e "$tmp/no" ] || fail "--phase tune without a tuning stage: the output folder was written"
rc=0
"$bin" run tests/e2e/tune_extend.lua --phase nosuch --out "$tmp/no" > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "^lrlab: run: --phase: invalid value (expected all, tune or eval, got nosuch)$" "$tmp/err" \
  || fail "--phase nosuch: exit $rc: $(cat "$tmp/err")"
echo "two_phase: ok"
