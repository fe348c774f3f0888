#!/usr/bin/env bash
# lua_sched.sh - scheduler "lua" end to end: a closed form gives the expected rates, a
# feedback rule sees evaluations, a global a function sets does not reach the next run (with
# -j 1 one worker trains every cell), a function returning nil or never returning ends its
# run as failed with the reason (within seconds, in its cell file and runs.csv's reason
# column) while the rest completes, and the results
# are the same with -j 1 and -j 2.
# usage: lua_sched.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
rc=0; timeout 60 "$bin" run tests/e2e/lua_sched.lua --out "$tmp/a" -j 1 --quiet > /dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "exit $rc (expected 1: failed cells)"
rc=0; timeout 60 "$bin" run tests/e2e/lua_sched.lua --out "$tmp/b" -j 2 > /dev/null 2> "$tmp/b.err" || rc=$?
[ $rc -eq 1 ] || fail "exit $rc with -j 2"
# without --quiet, a failed cell is printed with its reason
grep -q '^cell [0-9a-f]*: .* broken seed 1 lr 0.5: failed: .*lr: returned nil (expected a finite number > 0)' "$tmp/b.err" \
  || fail "the failed cell's reason was not printed: $(grep broken "$tmp/b.err" | head -2)"
for f in runs.csv curves.csv evals.csv; do cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs with -j"; done
# halving: lr0 0.5 halves every 100 steps; curve row of step s has the lr of step s-1
lr_at() { awk -F, -v s="$2" -v sc="$1" '$4 == sc && $5 == 1 && $6 == s { print $7 }' "$tmp/a/curves.csv"; }
[ "$(lr_at halving 100)" = "0.5" ] && [ "$(lr_at halving 101)" = "0.25" ] && [ "$(lr_at halving 300)" = "0.125" ] \
  || fail "halving rates: $(lr_at halving 100) $(lr_at halving 101) $(lr_at halving 300)"
# global: 300 calls a run, so every run keeps lr0 (0.5) to its last step
g=$(awk -F, '$4 == "global" && $6 == 300 { print $7 }' "$tmp/a/curves.csv" | paste -sd' ')
[ "$g" = "0.5 0.5" ] || fail "a Lua global leaked from one run into the next (lr at step 300: $g)"
fb=$(awk -F, '$5 == "feedback" && $8 == 100 { print $16 }' "$tmp/a/runs.csv" | head -1)
awk -v x="$fb" 'BEGIN { exit !(x < 0.5) }' || fail "feedback rule never lowered the lr ($fb)"
grep -q 'lr: returned nil (expected a finite number > 0)' "$tmp/a/cells/"*.csv || fail "nil not recorded"
grep -q 'instruction limit exceeded' "$tmp/a/cells/"*.csv || fail "endless function not stopped"
[ "$(grep -c ',failed,' "$tmp/a/runs.csv")" -eq 12 ] || fail "failed rows"
[ "$(grep -c ',ok,' "$tmp/a/runs.csv")" -eq 18 ] || fail "ok rows"
# runs.csv says why: its reason column holds each failed cell's reason, and nothing for the others
reasons() { awk -F, -v who="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["scheduler"] == who { print $c["status"] " " $c["reason"] }' "$tmp/a/runs.csv" | sort -u; }
reasons broken | grep -q '^failed .*lr: returned nil (expected a finite number > 0)' || fail "runs.csv reason (nil): $(reasons broken)"
reasons endless | grep -q '^failed .*instruction limit exceeded' || fail "runs.csv reason (endless): $(reasons endless)"
[ "$(reasons halving)" = 'ok ""' ] || fail "an ok cell has a reason: $(reasons halving)"
echo "lua schedulers: ok"
