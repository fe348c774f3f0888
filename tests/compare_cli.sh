#!/usr/bin/env bash
# compare_cli.sh - lrlab compare on results whose answers are known:
#  1. the paper's small-model counts (yes 48, yes* 64, no* 58, no 26; by stage 61/66, 54/66,
#     55/64 as good or better), laid out as runs of one task and optimizer, give the paper's
#     86.73, 57.14, 13.27, 62.24 and 24.49% and per stage 92.42, 81.82 (the paper prints
#     81.81: 54/66 = 81.818...) and 85.94%;
#  2. twelve seeds where the reference is better on every seed give significant wins, a
#     "supported" verdict and the best mean rank; the same data mirrored give losses and
#     "not supported"; diverged baselines count as reference wins;
#  3. bad input: a missing folder, a missing column, an unknown reference, bad options;
#  4. time to target on hand-made curves: steps_to_target and evals_to_target of a line
#     search that reaches the target between two stages, of runs that spend no extra
#     evaluations (equal to their steps) and of runs that never reach it (inf); a folder
#     without loss_evals has no evals_to_target; a loss_evals that is not a count is refused;
#  5. a real run of constant, greedy and sls: compare --measure evals_to_target runs, gives
#     constant's and greedy's steps_to_target exactly, and sls's its steps plus its extra
#     evaluations interpolated.
# usage: compare_cli.sh LRLAB_BIN
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
header="experiment,cell,task,optimizer,scheduler,seed,lr0,stage,step,train_loss,val_loss,metric_name,metric,status,diverged_step,lr,lr_clips,loss_evals,metric_goal"

# 1. the paper's counts: reference loss 1; baseline 1 + delta with delta by category
mkdir -p "$tmp/paper"
awk -v H="$header" 'BEGIN {
  print H
  # per stage: yes, yes*, no*, no
  split("16 22 23 5", s10, " "); split("16 21 17 12", s50, " "); split("16 21 18 9", s100, " ")
  split("0.5 0.05 -0.05 -0.5", d, " ")
  for (seed = 1; seed <= 66; seed++) {
    for (g = 1; g <= 3; g++) {
      stage = g == 1 ? 10 : g == 2 ? 50 : 100
      k = seed; cat = 0
      for (c = 1; c <= 4; c++) {
        n = g == 1 ? s10[c] : g == 2 ? s50[c] : s100[c]
        if (k <= n && !cat) cat = c; else if (!cat) k -= n
      }
      printf "x,r%04d,t,sgd,greedy,%d,0.1,%d,%d,1,1,m,1,ok,-1,0.1,0,0,min\n", seed, seed, stage, stage
      if (cat) printf "x,b%04d,t,sgd,base,%d,0.1,%d,%d,%.2f,1,m,1,ok,-1,0.1,0,0,min\n", seed, seed, stage, stage, 1 + d[cat]
    }
  }
}' > "$tmp/paper/runs.csv"
# runs.csv groups the rows of a cell together
sort -t, -k2,2 -s "$tmp/paper/runs.csv" | awk 'NR == 1 || !/^experiment/' > "$tmp/p.csv"
{ echo "$header"; grep -v '^experiment' "$tmp/p.csv"; } > "$tmp/paper/runs.csv"
out=$("$bin" compare "$tmp/paper" --tie paper)
echo "$out" | grep -q "the paper's rule (abs:0.1): 86.73% as good or better (196 datapoints)" \
  || fail "the paper's rule line: $(echo "$out" | grep "paper's rule")"
echo "$out" | grep -E '^all +196 +48 +64 +58 +26 +86\.73% +57\.14% +13\.27% +62\.24% +24\.49%' > /dev/null \
  || fail "paper percentages: $(echo "$out" | grep '^all')"
echo "$out" | grep -E '^10 +66 .* 92\.42%' > /dev/null || fail "stage 10: $(echo "$out" | grep '^10 ')"
echo "$out" | grep -E '^50 +66 .* 81\.82%' > /dev/null || fail "stage 50"
echo "$out" | grep -E '^100 +64 .* 85\.94%' > /dev/null || fail "stage 100"
[ "$(tail -n +2 "$tmp/paper/comparisons.csv" | wc -l)" -eq 196 ] || fail "comparisons.csv rows"
echo "ok: the paper's counts give its percentages"

# 2. twelve seeds, the reference better by 0.5 (and one baseline diverged on two seeds)
mk() { # mk DIR SIGN: SIGN=+1 reference better, -1 worse
  mkdir -p "$1"
  awk -v H="$header" -v sgn="$2" 'BEGIN {
    print H
    n = split("greedy cosine constant", sc, " ")
    for (s = 1; s <= n; s++) for (seed = 1; seed <= 12; seed++) for (g = 1; g <= 3; g++) {
      stage = g == 1 ? 10 : g == 2 ? 50 : 100
      v = sc[s] == "greedy" ? 1 : 1 + sgn * (0.5 + seed / 100)
      st = "ok"
      if (sc[s] == "constant" && seed <= 2 && sgn > 0 && g == 3) { st = "diverged"; v = "nan" }
      printf "x,%s%02d,t,sgd,%s,%d,0.1,%d,%d,%s,%s,m,1,%s,-1,0.1,0,0,min\n", sc[s], seed, sc[s], seed, stage, stage, v, v, st
    }
  }' > "$1/runs.csv"
}
mk "$tmp/win" 1
out=$("$bin" compare "$tmp/win")
echo "$out" | grep -q '(train_loss): supported: 100.0% of 6 comparisons' || fail "win verdict: $(echo "$out" | grep verdict)"
[ "$(grep -c ',win,' "$tmp/win/tests.csv")" -ge 6 ] || fail "win decisions"
grep -q '^train_loss,greedy,1,' "$tmp/win/ranks.csv" || fail "the reference should rank first"
grep -q '^train_loss,1,6,6,0,0,' "$tmp/win/verdict.csv" || fail "verdict.csv: $(grep '^train_loss' "$tmp/win/verdict.csv")"
mk "$tmp/loss" -1
out=$("$bin" compare "$tmp/loss")
echo "$out" | grep -q 'not supported: 0.0% of 6' || fail "loss verdict: $(echo "$out" | grep verdict)"
echo "ok: significant wins and losses, verdicts, ranks"

# 3. bad input
expect2() { local rc=0; "$bin" compare "$@" > /dev/null 2> "$tmp/err" || rc=$?
  [ $rc -eq 2 ] || fail "exit $rc for: $*"; [ "$(wc -l < "$tmp/err")" -le 2 ] || fail "long error for: $*"; }
expect2 "$tmp/none"
expect2 "$tmp/win" --reference nosuch
grep -qxF "lrlab: $tmp/win/runs.csv: no runs of the reference scheduler \"nosuch\" (expected one of the schedulers in it: greedy, cosine, constant)" \
  "$tmp/err" || fail "unknown reference: $(cat "$tmp/err")"
# Holm's family is one measure on one task and optimizer (every baseline and stage of it)
"$bin" compare --help | tr -s ' \n' ' ' | grep -q "Holm's correction per measure, task and optimizer (all baselines and stages)" \
  || fail "compare --help: Holm's family"
expect2 "$tmp/win" --tie half
expect2 "$tmp/win" --alpha 2
expect2 "$tmp/win" --measure bogus
mkdir -p "$tmp/badcol"; cut -d, -f1-10 "$tmp/win/runs.csv" > "$tmp/badcol/runs.csv"
expect2 "$tmp/badcol"
grep -q 'missing column' "$tmp/err" || fail "missing column message: $(cat "$tmp/err")"
echo "ok: bad input refused"

# 4. time to target on hand-made curves: task t, sgd, 100 steps, an evaluation every 10 steps;
# each run's validation loss is 1 until its drop step, then its best value from there on.
#   seed 1: greedy 0.35 from step 60; constant 0.40 from 40; sls 0.30 from 30, loss_evals 173
#   seed 2: greedy 0.50 from 20; constant 0.40 from 70; sls 0.90 from 20, loss_evals 250
# runs.csv holds loss_evals as lrlab writes it: the run's total on each of its stage rows.
# The target is the median of the baselines' (constant's and sls's) best losses:
# median(0.40, 0.40, 0.30, 0.90) = (0.40 + 0.40) / 2 = 0.40, reached at the first evaluation
# at or below it:
#   steps_to_target:  greedy 60 and inf (0.50 > 0.40); constant 40 and 70; sls 30 and inf
#   evals_to_target:  steps + loss_evals x steps / 100 (the total spread over the 100 steps):
#     sls seed 1: 30 + 173 x 30 / 100 = 30 + 51.9 = 81.9, between the stages at steps 10 and
#     50; sls seed 2 never reaches: inf; greedy and constant spend none: their steps exactly.
mkdir -p "$tmp/target"
awk -v H="$header" 'BEGIN {
  print H
  split("greedy:1:60:0.35:0 constant:1:40:0.40:0 sls:1:30:0.30:173 greedy:2:20:0.50:0 constant:2:70:0.40:0 sls:2:20:0.90:250", r, " ")
  for (i = 1; i <= 6; i++) {
    split(r[i], f, ":")
    for (g = 1; g <= 3; g++) {
      stage = g == 1 ? 10 : g == 2 ? 50 : 100
      v = stage >= f[3] + 0 ? f[4] : 1
      printf "x,c%d,t,sgd,%s,%d,0.1,%d,%d,%s,%s,m,%s,ok,-1,0.1,0,%d,min\n", i, f[1], f[2], stage, stage, v, v, v, f[5]
    }
  }
}' > "$tmp/target/runs.csv"
awk 'BEGIN {
  print "cell,task,optimizer,scheduler,seed,step,train_loss,val_loss,metric,lr"
  split("greedy:1:60:0.35 constant:1:40:0.40 sls:1:30:0.30 greedy:2:20:0.50 constant:2:70:0.40 sls:2:20:0.90", r, " ")
  for (i = 1; i <= 6; i++) {
    split(r[i], f, ":")
    for (step = 0; step <= 100; step += 10) {
      v = step >= f[3] + 0 ? f[4] : 1
      printf "c%d,t,sgd,%s,%d,%d,%s,%s,%s,0.1\n", i, f[1], f[2], step, v, v, v
    }
  }
}' > "$tmp/target/evals.csv"
cp -r "$tmp/target" "$tmp/target-copy"
values() { # values DIR MEASURE: "baseline seed reference_value baseline_value" per datapoint
  "$bin" compare "$1" --measure "$2" > "$tmp/out" || fail "compare --measure $2: $(cat "$tmp/out")"
  awk -F, -v m="$2" '$1 == m { print $5, $6, $7, $8 }' "$1/comparisons.csv"
}
got=$(values "$tmp/target" steps_to_target | tr '\n' ';')
[ "$got" = "constant 1 60 40;constant 2 inf 70;sls 1 60 30;sls 2 inf inf;" ] \
  || fail "steps_to_target: $got"
got=$(values "$tmp/target" evals_to_target | tr '\n' ';')
[ "$got" = "constant 1 60 40;constant 2 inf 70;sls 1 60 81.9;sls 2 inf inf;" ] \
  || fail "evals_to_target: $got"
grep -q '^evals_to_target,1,2,' "$tmp/target/verdict.csv" || fail "verdict.csv: no primary evals_to_target row"
# without the column the evaluations of a run that reached the target are unknown (no value,
# as seconds_to_target without timing.csv), while one that never reached it is inf all the
# same: only seed 2's sls against greedy is left
mkdir -p "$tmp/noevals"
cut -d, -f1-17,19 "$tmp/target/runs.csv" > "$tmp/noevals/runs.csv"
cp "$tmp/target/evals.csv" "$tmp/noevals/"
got=$(values "$tmp/noevals" evals_to_target | tr '\n' ';')
[ "$got" = "sls 2 inf inf;" ] || fail "no loss_evals: evals_to_target: $got"
got=$(values "$tmp/noevals" steps_to_target | tr '\n' ';')
[ "$got" = "constant 1 60 40;constant 2 inf 70;sls 1 60 30;sls 2 inf inf;" ] \
  || fail "no loss_evals: steps_to_target: $got"
# a loss_evals that is not a whole number >= 0: refused, naming the line and column, nothing written
sed -i '8s/,0,173,min$/,0,17.3,min/' "$tmp/target-copy/runs.csv"
expect2 "$tmp/target-copy"
grep -q 'runs.csv: line 8: loss_evals: invalid value (expected a whole number >= 0, got "17.3")' "$tmp/err" \
  || fail "bad loss_evals message: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/target-copy" | grep -v -x -e runs.csv -e evals.csv)" ] || fail "bad loss_evals: files written"
echo "ok: steps_to_target and evals_to_target on hand-made curves"

# 5. a real run: constant, greedy and sls (stochastic line search) on a small NMF
cat > "$tmp/sls.lua" <<'EOF'
experiment {
  name = "sls",
  seeds = { 1, 2, 3 },
  tasks = {
    task "nmf" { dataset = "synthetic", m = 40, n = 120, rank = 5, batch = 8, steps = 120,
                 eval_every = 10 },
  },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" {}, scheduler "sls" {} },
}
EOF
"$bin" run "$tmp/sls.lua" --out "$tmp/sls" --quiet > "$tmp/out" 2>&1 || fail "run sls.lua: $(cat "$tmp/out")"
values "$tmp/sls" steps_to_target > "$tmp/steps"
values "$tmp/sls" evals_to_target > "$tmp/evals"
[ "$(wc -l < "$tmp/evals")" -eq 6 ] || fail "evals_to_target: $(wc -l < "$tmp/evals") datapoints, expected 6"
# constant (baseline) and greedy (reference) spend no extra evaluation: the same fields
[ "$(grep -v '^sls ' "$tmp/steps")" = "$(grep -v '^sls ' "$tmp/evals")" ] \
  || fail "constant and greedy: evals_to_target differs from steps_to_target"
[ "$(grep '^sls ' "$tmp/steps" | cut -d' ' -f3)" = "$(grep '^sls ' "$tmp/evals" | cut -d' ' -f3)" ] \
  || fail "greedy against sls: evals_to_target differs from steps_to_target"
grep '^constant ' "$tmp/evals" | awk '$4 != "inf" { n++ } END { exit !n }' \
  || fail "no constant run reached the target: nothing compared ($(cat "$tmp/evals"))"
# sls: its steps plus its total loss_evals x steps / the run's 120 steps
awk -F, 'NR > 1 && $5 == "sls" && $8 == 100 { print $6, $9, $18 }' "$tmp/sls/runs.csv" > "$tmp/le"
awk 'FILENAME == ARGV[1] { S[$1] = $2; L[$1] = $3; next }
     FILENAME == ARGV[2] && $1 == "sls" { st[$2] = $4; next }
     $1 == "sls" {
       if (!($2 in L) || !($2 in st)) { print "seed " $2 ": no runs.csv row"; bad = 1; next }
       if (st[$2] == "inf") { if ($4 != "inf") { print "seed " $2 ": " $4 " for a run that never reached"; bad = 1 }; next }
       if (L[$2] <= 0) { print "seed " $2 ": sls made no extra evaluation"; bad = 1 }
       want = st[$2] + L[$2] * st[$2] / S[$2]
       if ((($4 - want) ^ 2) > 1e-18 * want * want) { print "seed " $2 ": " $4 ", expected " want; bad = 1 }
     }
     END { exit bad }' "$tmp/le" "$tmp/steps" "$tmp/evals" > "$tmp/why" || fail "sls evals_to_target: $(cat "$tmp/why")"
echo "ok: evals_to_target of a real run (constant and greedy: their steps exactly; sls: steps + loss_evals)"
echo "compare: ok"
