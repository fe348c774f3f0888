#!/usr/bin/env bash
# tune_stage.sh - the tuning stage's options end to end (harness/engine/tune.h), on closed-form
# quadratics that train in milliseconds:
#   extend: from a grid two orders of magnitude below the best rate, the choice walks up at
#     the grid's ratio and stops inside, one point past it diverging (tests/e2e/tune_extend.lua;
#     gradient descent on eigenvalues in [1, 10] diverges above lr 2/10); with extend = 2 it
#     stops at the limit (edge-limit); greedy with max_lr 0.05 stops at its range (edge-range);
#   seeds: the mean column is the mean of the per-seed columns, the choice its argmin, and it
#     differs from the choice of one of the seeds alone (tests/e2e/tune_seeds.lua);
#   schedulers: hd's beta grid crossed with the lr grid, runs per scheduler recorded and
#     printed, the evaluation cells trained with the chosen combination (lrlab verify rebuilds
#     their ids from tuning.csv and retrains every cell identically) (tests/e2e/tune_hyper.lua);
#   a rerun trains nothing and writes the same tuning.csv; --check describes the stage.
# usage: tune_stage.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
col() { # FILE NAME: the column number of NAME in FILE's header
  head -n 1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1
}
rerun_same() { # SCRIPT DIR: a second run trains nothing and writes the same tuning.csv
  cp "$2/tuning.csv" "$tmp/before.csv"
  out=$("$bin" run "$1" --out "$2" -j 2 --quiet)
  echo "$out" | grep -q "(0 trained now" || fail "$1: the rerun trained cells: $out"
  cmp -s "$tmp/before.csv" "$2/tuning.csv" || fail "$1: the rerun wrote another tuning.csv"
}

# ---- extend: walks to the optimum and stops inside; greedy stops at its range ----
t=tests/e2e/tune_extend.lua
out=$("$bin" run $t --out "$tmp/ext" -j 2 --quiet)
f=$tmp/ext/tuning.csv
[ "$(head -n 1 "$f")" = "task,optimizer,scheduler,lr,val_loss,chosen,round,hyper,end,runs,val_loss_seed100" ] \
  || fail "tuning.csv header: $(head -n 1 "$f")"
c=$(awk -F, '$3 == "constant"' "$f")
[ "$(echo "$c" | awk -F, '$6 == 1 { print $4 }')" = "0.1234567901" ] || fail "constant's choice: $c"
[ "$(echo "$c" | awk -F, '{ print $9 }' | sort -u)" = "inside" ] || fail "constant's end: $c"
[ "$(echo "$c" | awk -F, '{ print $7 }' | paste -sd' ')" = "1 1 1 2 3 4 5 6" ] || fail "rounds: $c"
[ "$(echo "$c" | awk -F, '{ print $10 }' | sort -u)" = "8" ] || fail "runs: $c"
# each extension is the last rate times the grid's own ratio 1e-3 / 3e-4, to 10 digits
echo "$c" | awk -F, 'NR > 3 { r = $4 / p; if (r < 3.333333 || r > 3.333334) exit 1 } { p = $4 }' \
  || fail "extension rates do not follow the grid's ratio: $c"
# the choice is inside: both neighbours are worse; the one past it diverged (lr > 2/L = 0.2)
echo "$c" | awk -F, '$6 == 1 { b = NR } { v[NR] = $5; lr[NR] = $4 }
  END { if (b <= 1 || b >= NR || !(v[b] < v[b - 1]) || v[b + 1] != "inf" || lr[b] > 0.2 ||
            lr[b + 1] < 0.2) exit 1 }' || fail "the choice is not the best inside: $c"
g=$(awk -F, '$3 == "greedy"' "$f")
[ "$(echo "$g" | awk -F, '$6 == 1 { print $4 "," $9 }')" = "0.03703703703,edge-range" ] \
  || fail "greedy (max_lr 0.05) did not stop at its range: $g"
echo "$out" | grep -q "^tuning: 6 round(s), 14 tuning runs on 1 seed(s); runs per scheduler: constant 8, greedy 6; choices: 1 inside, 1 edge-range$" \
  || fail "tuning summary: $out"
awk -F, -v lr=0.1234567901 'NR > 1 && $6 == "constant" && $8 != lr { exit 1 }' "$tmp/ext/plan.csv" \
  || fail "evaluation cells do not use the extended choice"
rerun_same $t "$tmp/ext"
"$bin" verify "$tmp/ext" --sample 100 > "$tmp/verify" || fail "verify: $(tail -n 3 "$tmp/verify")"
grep -q "^verified: 16 of 16 cells byte-identical" "$tmp/verify" || fail "verify of extension cells"
"$bin" run $t --check | grep -q "extensions may add up to 12 cells, not in the estimate" \
  || fail "--check does not describe the extension"
# --check estimates the cells still to train only: none in the complete folder (the completed
# tuning's choice gives the evaluation cells' ids), none with it as --reuse; with a cell of
# round 3 gone, that cell and the 2 evaluation cells (their ids known after the tuning), the
# rounds after 3 named as not in the estimate
check_has() { # DIR LINE [--reuse DIR]: --check of $t into DIR prints LINE
  local dir=$1 line=$2
  shift 2
  "$bin" run $t --out "$dir" --check "$@" > "$tmp/check" || fail "--check $dir: $(cat "$tmp/check")"
  grep -qxF -- "$line" "$tmp/check" || fail "--check $dir: no line \"$line\" in: $(grep -e '^done' -e '^estimate' "$tmp/check")"
}
ests="on this machine (10 steps of each task and optimizer timed"
check_has "$tmp/ext" "estimate: 0:00 for the 0 cells still to train $ests)"
grep -q "; 2 evaluation cells of tuned learning rates: 2 here, 0 in the --reuse folders (the completed tuning's choice)$" \
  "$tmp/check" || fail "--check: the tuned cells: $(grep '^done' "$tmp/check")"
grep -q "extensions may add up to 12 cells, all complete here or in the --reuse folders$" "$tmp/check" \
  || fail "--check: a complete extension: $(grep '^tuning: extend' "$tmp/check")"
check_has "$tmp/other" "estimate: 0:00 for the 0 cells still to train $ests)" --reuse "$tmp/ext"
grep -q "tuning round 1: 0 of 6 here, 6 in the --reuse folders; 2 evaluation cells of tuned learning rates: 0 here, 2 in the --reuse folders" \
  "$tmp/check" || fail "--check --reuse: $(grep '^done' "$tmp/check")"
cp -r "$tmp/ext" "$tmp/part"
rm "$tmp/part/cells/$(awk -F, '$2 == 3 { print $1; exit }' "$tmp/part/tuning-cells.csv").csv"
check_has "$tmp/part" "estimate: 0:00 for the 3 cells still to train $ests; the 2 evaluation cells of tuned learning rates counted as still to train, their ids known after the tuning; the tuning rounds after round 3 (extensions) not in it)"

# ---- extend = 2: the limit ----
sed 's/extend = 6/extend = 2/' $t > "$tmp/limit.lua"
"$bin" run "$tmp/limit.lua" --out "$tmp/limit" --quiet > /dev/null
c=$(awk -F, '$3 == "constant"' "$tmp/limit/tuning.csv")
[ "$(echo "$c" | awk -F, '$6 == 1 { print $4 "," $7 "," $9 }')" = "0.01111111111,3,edge-limit" ] \
  || fail "extend = 2 did not stop at the limit as edge-limit: $c"
[ "$(echo "$c" | wc -l)" -eq 5 ] || fail "extend = 2 added other than 2 points: $c"

# ---- seeds: the mean over tuning seeds ----
t=tests/e2e/tune_seeds.lua
"$bin" run $t --out "$tmp/seeds" --quiet > /dev/null
f=$tmp/seeds/tuning.csv
m=$(col "$f" val_loss) a=$(col "$f" val_loss_seed101) b=$(col "$f" val_loss_seed102)
[ -n "$a" ] && [ -n "$b" ] || fail "no per-seed columns: $(head -n 1 "$f")"
[ "$(grep -c . "$f")" -eq 5 ] || fail "one row per lr expected"
awk -F, -v m="$m" -v a="$a" -v b="$b" 'NR > 1 {
  if ($a == "inf" || $b == "inf") { if ($m != "inf") exit 1; next }
  x = ($a + $b) / 2; if ($m == "inf" || (x - $m) > 1e-9 * x || ($m - x) > 1e-9 * x) exit 1 }' "$f" \
  || fail "the mean column is not the mean of the per-seed columns"
[ "$(awk -F, 'NR > 1 && $6 == 1 { print $4 }' "$f")" = "0.01" ] || fail "mean choice: $(cat "$f")"
single=$(awk -F, -v a="$a" 'NR > 1 && (best == "" || $a < v) { v = $a; best = $4 } END { print best }' "$f")
[ "$single" = "0.03" ] || fail "seed 101 alone should prefer 0.03, got $single"
sed 's/seeds = {101, 102}/seed = 101/' $t > "$tmp/one.lua"
"$bin" run "$tmp/one.lua" --out "$tmp/one" --quiet > /dev/null
[ "$(awk -F, 'NR > 1 && $6 == 1 { print $4 }' "$tmp/one/tuning.csv")" = "0.03" ] \
  || fail "a single-seed run on 101 does not choose 0.03"
[ "$(head -n 1 "$tmp/one/tuning.csv")" = "task,optimizer,scheduler,lr,val_loss,chosen" ] \
  || fail "without the new keys tuning.csv changed its columns"
rerun_same $t "$tmp/seeds"

# ---- schedulers: hd's beta grid ----
t=tests/e2e/tune_hyper.lua
out=$("$bin" run $t --out "$tmp/hyper" --quiet)
f=$tmp/hyper/tuning.csv
echo "$out" | grep -q "runs per scheduler: constant 2, hd 9;" || fail "runs per scheduler: $out"
[ "$(awk -F, '$3 == "hd" && $2 == "sgd" { print $4 "/" $8 }' "$f" | paste -sd' ')" = \
  "0.01/beta=1e-07 0.01/beta=1e-05 0.01/beta=0.001 0.03/beta=1e-07 0.03/beta=1e-05 0.03/beta=0.001" ] \
  || fail "hd's grid is not crossed with the lr grid: $(cat "$f")"
[ "$(awk -F, '$3 == "constant" { print $8 }' "$f" | sort -u)" = '""' ] || fail "constant has a hyper value"
[ "$(awk -F, '$3 == "hd" { print $10 }' "$f" | sort -u | paste -sd' ')" = "3 6" ] || fail "runs column"
[ "$(awk -F, '$2 == "adam" && $3 == "hd" { print $9 }' "$f" | sort -u)" = "fixed" ] \
  || fail "adam (one lr) tuned for beta only should end fixed"
[ "$(awk -F, '$6 == 1' "$f" | wc -l)" -eq 3 ] || fail "one choice per (task, optimizer, scheduler)"
# the evaluation cells use the chosen beta: not the ids of the scheduler's own beta (--check),
# and verify, rebuilding the plan from tuning.csv, gets every id and value back
own=$("$bin" run $t --check | awk '$4 == "sgd" && $5 == "hd" { print $2 }')
got=$(awk -F, '$5 == "sgd" && $6 == "hd" { print $2 }' "$tmp/hyper/plan.csv")
[ -n "$own" ] && [ -n "$got" ] && [ "$own" != "$got" ] || fail "hd's evaluation cell kept its own beta"
"$bin" verify "$tmp/hyper" --sample 100 > "$tmp/verify" || fail "verify: $(tail -n 3 "$tmp/verify")"
grep -q "^verified: 15 of 15 cells byte-identical" "$tmp/verify" || fail "verify: $(tail -n 1 "$tmp/verify")"
"$bin" run $t --check | grep -q "^tuning: scheduler hd: 3 combinations, beta=1e-07 ... beta=0.001$" \
  || fail "--check does not describe hd's grid"
rerun_same $t "$tmp/hyper"
echo "tuning stage: ok"
