#!/usr/bin/env bash
# compare_cli.sh - lrlab compare on results whose answers are known:
#  1. the paper's small-model counts (yes 48, yes* 64, no* 58, no 26; by stage 61/66, 54/66,
#     55/64 as good or better), laid out as runs of one task and optimizer, give the paper's
#     86.73, 57.14, 13.27, 62.24 and 24.49% and per stage 92.42, 81.82 (the paper prints
#     81.81: 54/66 = 81.818...) and 85.94%;
#  2. twelve seeds where the reference is better on every seed give significant wins, a
#     "supported" verdict and the best mean rank; the same data mirrored give losses and
#     "not supported"; diverged baselines count as reference wins;
#  3. bad input: a missing folder, a missing column, an unknown reference, bad options.
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
expect2 "$tmp/win" --tie half
expect2 "$tmp/win" --alpha 2
expect2 "$tmp/win" --measure bogus
mkdir -p "$tmp/badcol"; cut -d, -f1-10 "$tmp/win/runs.csv" > "$tmp/badcol/runs.csv"
expect2 "$tmp/badcol"
grep -q 'missing column' "$tmp/err" || fail "missing column message: $(cat "$tmp/err")"
echo "compare: ok"
