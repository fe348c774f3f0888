#!/usr/bin/env bash
# verdict_cli.sh - the verdict tools on a folder whose answers are computed by hand:
#   2 tasks x 2 optimizers x (greedy + 2 baselines) x 10 seeds x 3 stages, the reference at 1
#   and each baseline at 1 + delta, the same values for training loss, validation loss and
#   metric. Per stage, the 8 units are:
#     t1 o1 b1  delta +0.5 + s/1000    a win under every rule
#     t1 o1 b2  delta -0.5 - s/1000    a loss under every rule
#     t1 o2 b1  delta +0.05 + s/1000   a tie under abs:0.1 (|median| < tau), a win under rel:0.01
#     t1 o2 b2  delta -0.05 - s/1000   a tie under abs:0.1, a loss under rel:0.01; non-inferior
#                                      within 0.1 (every delta + 0.1 > 0), not within 1%
#     t2 * *    delta +-(0.2 + s/1000), signs alternating: ties, never non-inferior
#   So, of 24 units (8 per stage): not-worse abs:0.1 21, rel:0.01 18; non-inferior abs:0.1 9,
#   rel:0.01 6; without o2 (12 units): not-worse abs:0.1 9. Ten seeds: every one-signed unit
#   has p = 2/1024 two-sided (1/1024 one-sided), x 6 under Holm (2 baselines x 3 stages) < 0.05.
#   Tie rules: task:0.01 on t1 is 0.01 x median of its 40 baseline values (1.0) = 0.01; sd:1 on
#   (t1, o1) is the standard deviation of s/1000, s = 1..10: sqrt(55/6)/1000 = 0.0030277.
# Then: the multiverse's rows and counts, arms (two folders), refusals of bad arguments.
# (report_cli.sh checks that report recomputes a comparison made with other settings.)
# usage: verdict_cli.sh LRLAB_BIN
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
header="experiment,cell,task,optimizer,scheduler,seed,lr0,stage,step,train_loss,val_loss,metric_name,metric,status,diverged_step,lr,lr_clips,loss_evals,metric_goal"
mk() { # mk DIR EXPERIMENT [SEEDS [REVERSED]]: REVERSED 1 writes o2's rows before o1's
  mkdir -p "$1"
  awk -v H="$header" -v X="$2" -v S="${3:-10}" -v R="${4:-0}" 'BEGIN {
    print H
    split("greedy b1 b2", sc, " ")
    id = 0
    for (t = 1; t <= 2; t++) for (oo = 1; oo <= 2; oo++) for (k = 1; k <= 3; k++) for (s = 1; s <= S; s++) {
      o = R ? 3 - oo : oo
      id++
      if (k == 1) d = 0
      else if (t == 2) d = (s % 2 ? 1 : -1) * (0.2 + s / 1000)
      else { m = (o == 1 ? 0.5 : 0.05) + s / 1000; d = k == 2 ? m : -m }
      v = 1 + d
      for (g = 1; g <= 3; g++) {
        stage = g == 1 ? 10 : g == 2 ? 50 : 100
        printf "%s,c%05d,t%d,o%d,%s,%d,0.1,%d,%d,%.6f,%.6f,m,%.6f,ok,-1,0.1,0,0,min\n", X, id, t, o, sc[k], s, stage, stage, v, v, v
      }
    }
  }' > "$1/runs.csv"
}
mk "$tmp/a" study

count() { # FILE TIE MEASURE STAGE READING INTERVAL WITHOUT -> "units as_good"
  awk -F, -v t="$2" -v m="$3" -v g="$4" -v r="$5" -v i="$6" -v w="$7" \
    '$2 == t && $3 == m && $4 == g && $5 == r && $6 == i && $7 == w { print $8, $9 }' "$1"
}

# 1. tie rules and readings in tests.csv and verdict.csv
"$bin" compare "$tmp/a" --tie paper > "$tmp/out" || fail "compare --tie paper"
awk -F, '$1 == "train_loss" && $2 == 100 { print $3, $4, $5, $15, $18 }' "$tmp/a/tests.csv" > "$tmp/dec"
grep -q '^t1 o1 b1 win 1$' "$tmp/dec" || fail "t1 o1 b1: $(cat "$tmp/dec")"
grep -q '^t1 o1 b2 loss 0$' "$tmp/dec" || fail "t1 o1 b2"
grep -q '^t1 o2 b1 tie 1$' "$tmp/dec" || fail "t1 o2 b1"
grep -q '^t1 o2 b2 tie 1$' "$tmp/dec" || fail "t1 o2 b2 (non-inferior within 0.1)"
[ "$(grep -c '^t2 .* tie 0$' "$tmp/dec")" -eq 4 ] || fail "t2: $(grep '^t2' "$tmp/dec")"
grep -q '^train_loss,1,24,3,18,3,0.875,' "$tmp/a/verdict.csv" || fail "verdict abs:0.1: $(grep '^train_loss' "$tmp/a/verdict.csv")"
grep '^train_loss,1,' "$tmp/a/verdict.csv" | grep -q ',0.875,[0-9.]*,[0-9.]*,0.375,' || fail "non-inferior share 9/24"
grep -q "tie=abs:0.1;reading=not-worse;interval=crossed" "$tmp/a/verdict.csv" || fail "settings column"
"$bin" compare "$tmp/a" --tie rel:0.01 --reading non-inferior --interval task > "$tmp/out" || fail "compare rel"
grep -q '(train_loss): [a-z ]*: 25.0% of 24 comparisons shown non-inferior' "$tmp/out" || fail "rel non-inferior: $(grep '^verdict' "$tmp/out")"
grep -q "^the paper's rule (abs:0.1): " "$tmp/out" || fail "the paper's rule is always reported"
"$bin" compare "$tmp/a" --tie task:0.01 > /dev/null || fail "compare task"
tau=$(awk -F, '$1 == "train_loss" && $2 == 100 && $3 == "t1" && $4 == "o1" && $5 == "b1" { print $8 }' "$tmp/a/tests.csv")
awk -v x="$tau" 'BEGIN { exit !(x > 0.0099999 && x < 0.0100001) }' || fail "task:0.01 tau on t1 = $tau, expected 0.01"
"$bin" compare "$tmp/a" --tie sd:1 > /dev/null || fail "compare sd"
tau=$(awk -F, '$1 == "train_loss" && $2 == 100 && $3 == "t1" && $4 == "o1" && $5 == "b1" { print $8 }' "$tmp/a/tests.csv")
awk -v x="$tau" 'BEGIN { exit !(x > 0.0030276 && x < 0.0030278) }' || fail "sd:1 tau on t1 o1 = $tau, expected 0.0030277"
"$bin" compare "$tmp/a" --tie abs:5 > "$tmp/out" || fail "compare abs:5"
grep -q '^warning: task t1: 100% of its comparisons are ties under abs:5' "$tmp/out" || fail "no warning on a task of ties: $(grep warning "$tmp/out")"
# a zero tolerance: only equal values tie (no baseline value equals the reference's)
"$bin" compare "$tmp/a" --tie abs:0 > "$tmp/out" || fail "compare --tie abs:0"
grep -qE '^all +240 +120 +0 +0 +120 ' "$tmp/out" || fail "abs:0 datapoints: $(grep '^all' "$tmp/out")"
[ "$(awk -F, 'NR > 1 && ($10 == "yes*" || $10 == "no*")' "$tmp/a/comparisons.csv" | wc -l)" -eq 0 ] || fail "abs:0 left ties"
echo "ok: tie rules (abs, rel, task, sd), both readings, the paper's rule beside, the tie warning"

# 2. the multiverse: rows and hand-computed counts
"$bin" compare "$tmp/a" --multiverse > "$tmp/out" || fail "multiverse"
[ "$(tail -n +2 "$tmp/a/multiverse.csv" | wc -l)" -eq 1080 ] || fail "rows: $(tail -n +2 "$tmp/a/multiverse.csv" | wc -l), expected 3 x 3 x 4 x 2 x 5 x 3 = 1080"
[ "$(count "$tmp/a/multiverse.csv" abs:0.1 train_loss all not-worse units none)" = "24 21" ] || fail "abs not-worse"
[ "$(count "$tmp/a/multiverse.csv" rel:0.01 val_loss all not-worse crossed none)" = "24 18" ] || fail "rel not-worse"
[ "$(count "$tmp/a/multiverse.csv" abs:0.1 metric 50 non-inferior seeds none)" = "8 3" ] || fail "abs non-inferior, stage 50"
[ "$(count "$tmp/a/multiverse.csv" rel:0.01 train_loss all non-inferior task none)" = "24 6" ] || fail "rel non-inferior"
[ "$(count "$tmp/a/multiverse.csv" abs:0.1 train_loss all not-worse optimizer o2)" = "12 9" ] || fail "without o2"
[ -s "$tmp/a/figures/multiverse.png" ] && [ -s "$tmp/a/figures/multiverse.gp" ] || fail "no specification curve"
# the figure's points are coloured by verdict: as many of each class as multiverse.csv has
vc=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "verdict") c = i; next }
  { v = $c; gsub(/"/, "", v); n[v == "supported" ? 0 : v == "not supported" ? 1 : 2]++ }
  END { print n[0] + 0, n[1] + 0, n[2] + 0 }' "$tmp/a/multiverse.csv")
dc=$(awk '!/^#/ { n[$5]++ } END { print n[0] + 0, n[1] + 0, n[2] + 0 }' "$tmp/a/figures/multiverse.dat")
[ "$vc" = "$dc" ] || fail "the figure's verdict classes ($dc) are not multiverse.csv's ($vc)"
grep -q 'lc rgb variable' "$tmp/a/figures/multiverse.gp" || fail "the figure does not colour by verdict"
grep -q '^multiverse: 1080 specifications over 1 arm' "$tmp/out" || fail "summary line"
echo "ok: the multiverse's 1080 specifications and their counts"

# 3. arms: a second folder of the same design; refusals
expect2() { local rc=0; "$bin" compare "$@" > /dev/null 2> "$tmp/err" || rc=$?
  [ $rc -eq 2 ] || fail "exit $rc for: $*"; [ "$(wc -l < "$tmp/err")" -le 2 ] || fail "long error for: $*: $(cat "$tmp/err")"; }
mk "$tmp/b" study
echo "arm: longer" > "$tmp/b/provenance.txt"
"$bin" compare "$tmp/a" "$tmp/b" --multiverse > "$tmp/out" || fail "two arms"
[ "$(tail -n +2 "$tmp/a/multiverse.csv" | wc -l)" -eq 2160 ] || fail "two arms: rows"
[ "$(grep -c '^longer,' "$tmp/a/multiverse.csv")" -eq 1080 ] || fail "the second arm's rows"
# an arm with axes: its keys become columns
mk "$tmp/e" study
printf 'arm: budget=4x;greedy=hf-val\n' > "$tmp/e/provenance.txt"
"$bin" compare "$tmp/a" "$tmp/e" --multiverse > "$tmp/out" || fail "arm with axes"
head -1 "$tmp/a/multiverse.csv" | grep -q '^arm,arm_budget,arm_greedy,tie,' || fail "axis columns: $(head -1 "$tmp/a/multiverse.csv")"
[ "$(grep -c '^budget=4x;greedy=hf-val,4x,hf-val,' "$tmp/a/multiverse.csv")" -eq 1080 ] || fail "axis values: $(sed -n 1082p "$tmp/a/multiverse.csv")"
[ "$(grep -c '^study,"","",' "$tmp/a/multiverse.csv")" -eq 1080 ] || fail "an arm without axes"
printf 'arm: budget=4x;budget=1x\n' > "$tmp/e/provenance.txt"
expect2 "$tmp/a" "$tmp/e" --multiverse
grep -q 'provenance.txt: arm: invalid value' "$tmp/err" || fail "a bad arm line: $(cat "$tmp/err")"
printf 'arm: `touch PWNED`\n' > "$tmp/e/provenance.txt"
expect2 "$tmp/a" "$tmp/e" --multiverse
# arms of another design (a longer budget with more seeds, or fewer optimizers): each arm's
# specifications over its own comparisons; no "without o2" for an arm without o2
mk "$tmp/c" other 12
"$bin" compare "$tmp/a" "$tmp/c" --multiverse > "$tmp/out" || fail "an arm with more seeds"
[ "$(grep -c '^other,' "$tmp/a/multiverse.csv")" -eq 1080 ] || fail "the 12-seed arm's rows"
mk "$tmp/f" single
grep -v ',o2,' "$tmp/f/runs.csv" > "$tmp/f/r" && mv "$tmp/f/r" "$tmp/f/runs.csv"
"$bin" compare "$tmp/a" "$tmp/f" --multiverse > "$tmp/out" || fail "an arm with one optimizer"
[ "$(grep -c '^single,' "$tmp/a/multiverse.csv")" -eq 360 ] || fail "the one-optimizer arm's rows: $(grep -c '^single,' "$tmp/a/multiverse.csv")"
[ "$(grep '^single,' "$tmp/a/multiverse.csv" | grep -vc ',none,')" -eq 0 ] || fail "a without spec for an arm lacking it"
[ "$(grep -c '^study,.*,o2,' "$tmp/a/multiverse.csv")" -eq 360 ] || fail "the first arm's without o2 rows"
mk "$tmp/d" study
expect2 "$tmp/a" "$tmp/d" --multiverse
grep -q 'arm "study" also names' "$tmp/err" || fail "same arm: $(cat "$tmp/err")"
expect2 "$tmp/a" "$tmp/b"
expect2 "$tmp/a" --interval clusters
expect2 "$tmp/a" --interval
expect2 "$tmp/a" --reading better
expect2 "$tmp/a" --tie abs:-0.1
grep -q 'expected a finite number >= 0 after abs:' "$tmp/err" || fail "negative tolerance: $(cat "$tmp/err")"
expect2 "$tmp/a" --tie task:nan
expect2 "$tmp/a" --tie sd:inf
expect2 "$tmp/a" --tie median:1
expect2 "$tmp/a" --reference nosuch
grep -q 'expected one of the schedulers in it: greedy, b1, b2' "$tmp/err" || fail "reference list: $(cat "$tmp/err")"
[ ! -e PWNED ] && [ ! -e "$tmp/a/PWNED" ] || fail "an arm ran a command"
printf 'arm: %s\n' "$(printf 'k%.0s' $(seq 600))" > "$tmp/e/provenance.txt"
expect2 "$tmp/a" "$tmp/e" --multiverse
grep -q 'provenance.txt: arm: too long' "$tmp/err" || fail "a long arm line: $(cat "$tmp/err")"
# an arm whose runs.csv lists the optimizers in the other order: "without" names the same one
mk "$tmp/f" flipped 10 1
"$bin" compare "$tmp/a" "$tmp/f" --multiverse > /dev/null || fail "flipped arm"
for w in o1 o2; do
  a=$(awk -F, -v w=$w '$1 == "study" && $2 == "abs:0.1" && $3 == "train_loss" && $4 == "all" && $5 == "not-worse" && $6 == "units" && $7 == w { print $8, $9 }' "$tmp/a/multiverse.csv")
  f=$(awk -F, -v w=$w '$1 == "flipped" && $2 == "abs:0.1" && $3 == "train_loss" && $4 == "all" && $5 == "not-worse" && $6 == "units" && $7 == w { print $8, $9 }' "$tmp/a/multiverse.csv")
  [ -n "$a" ] && [ "$a" = "$f" ] || fail "without $w: $a in one arm, $f in the same data listed in another order"
done
echo "ok: arms (with axes as columns), and one-line refusals of bad arguments"

# too few seeds: no specification may read "supported" from comparisons that cannot be decided
mk "$tmp/few" study 3
"$bin" compare "$tmp/few" --multiverse > "$tmp/out" || fail "multiverse on 3 seeds"
[ "$(awk -F, 'NR > 1 && $13 != "\"undecided (too few seeds)\""' "$tmp/few/multiverse.csv" | wc -l)" -eq 0 ] \
  || fail "3 seeds: $(awk -F, 'NR > 1 { print $13 }' "$tmp/few/multiverse.csv" | sort | uniq -c)"
# settings keep every digit: two tolerances that %g would print alike stay apart
"$bin" compare "$tmp/a" --tie abs:0.5050001 > /dev/null || fail "compare abs:0.5050001"
grep -q 'tie=abs:0.5050001;' "$tmp/a/verdict.csv" || fail "settings lost digits: $(grep -o 'tie=[^;]*' "$tmp/a/verdict.csv" | head -1)"
# too many seeds to redraw: said in the line and in verdict.csv, never passed off as redrawn
mk "$tmp/many" study 2100
"$bin" compare "$tmp/many" > "$tmp/out" || fail "compare on 2,100 seeds"
grep -q 'decisions fixed: too many seeds to redraw' "$tmp/out" || fail "the fallback is not said: $(grep '^verdict' "$tmp/out")"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seeds_resampled") c = i } $2 == 1 { v = $c } END { exit v != "0" }' \
  "$tmp/many/verdict.csv" || fail "verdict.csv does not record the fallback"
"$bin" compare "$tmp/a" > /dev/null
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seeds_resampled") c = i } $2 == 1 { v = $c } END { exit v != "1" }' \
  "$tmp/a/verdict.csv" || fail "verdict.csv does not record redrawn seeds"
echo "ok: too few seeds, all digits of the settings, too many seeds to redraw"

# 4. an experiment's arm reaches provenance.txt, sorted key=value, and the multiverse
cat > "$tmp/arm.lua" <<'LUA'
experiment {
  name = "armed", seeds = { 1, 2 }, arm = { greedy = "hf-val", budget = "4x" },
  tasks = { task "quadratic" { dim = 4, steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" {} },
}
LUA
"$bin" run "$tmp/arm.lua" --out "$tmp/r" --quiet > /dev/null || fail "run with an arm"
grep -qx 'arm: budget=4x;greedy=hf-val' "$tmp/r/provenance.txt" || fail "provenance arm: $(grep '^arm' "$tmp/r/provenance.txt")"
echo "verdict: ok"
