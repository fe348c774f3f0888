#!/usr/bin/env bash
# trend_cli.sh - `lrlab compare DIR --trend` (harness/analysis/trend.h) and the tasks.csv lrlab run
# writes for it:
#  1. on tests/fixtures/trend/ (4 families of one optimizer, a reference and 2 baselines,
#     5 seeds; ties of the advantage and of the parameters, a diverged baseline run and a
#     diverged reference run, a missing cell, a family of 2 sizes) every advantage, seed
#     count, rho, Theil-Sen slope, permutation p and count of trend.csv and trend-test.csv
#     equals tests/golden/trend.csv (scripts/golden/gen_trend_golden.py, scipy 1.10) within
#     1e-12 (relative above 1), row for row; the exact pooled p over 13,824 combinations is
#     printed; a second run gives the same bytes; the packed runs.csv (scripts/pack.sh) gives
#     the same files; only trend.csv, trend-test.csv and figures/trend.{gp,png} are written,
#     and every label in trend.gp is a double-quoted gnuplot string;
#  2. a family of 10 sizes (10! > 10^6 combinations) takes 100,000 random permutations:
#     a trend increasing at every size gives p = 1 / 100,001 exactly, one decreasing p = 1;
#  3. refusals, each exit 2 with one line (check_refusal) and nothing written: tasks.csv
#     missing, a params that is not a whole number >= 1 (file, line, key, expected), a task
#     of runs.csv without a row, a task twice, a kind that is not a name, a reference not
#     in the folder, --trend with --tie, --multiverse or a second folder;
#  4. a real experiment through the CLI (the synthetic quadratic at dims 10, 30, 100, 300 and
#     the MLP on synthetic images at widths 4, 8, 16; about two seconds): tasks.csv holds
#     each task's kind and parameter count (dim; 795 w + 10 for one hidden layer of w on 784
#     inputs and 10 classes), steps and eval_every; --check prints the counts; two shards
#     merged carry the same tasks.csv; compare --trend draws figures/trend.png;
#  5. compare --help documents --trend.
# usage: trend_cli.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
fail() { # NAME WHY [FILE]
  echo "FAIL: $1: $2" >&2
  if [ $# -ge 3 ] && [ -s "$3" ]; then head -n 20 "$3" | sed 's/^/    /' >&2; fi
  exit 1
}
. "$src/tests/refusal.sh"
cd "$tmp"

# ---- 1. the fixture against the golden values ----
cp -r "$src/tests/fixtures/trend" fix
rm -f fix/README.md
"$bin" compare fix --trend > out1 2> err1 || fail "fixture" "compare --trend failed" err1
[ ! -s err1 ] || fail "fixture" "stderr is not empty" err1
grep -qx 'size trend: S = 2.265 over 3 families, one-sided p = 0.009838 (exact, 13824 permutations)' out1 \
  || fail "fixture" "the pooled line" out1
grep -qx 'left out of the test: cnn (2 sizes: fewer than 3)' out1 || fail "fixture" "the family left out" out1
# golden rows: family,optimizer,baseline,task,quantity,value; lrlab's as the same keys
awk -F, 'FNR == 1 { file++ }
  file == 1 && FNR > 1 { adv[$1 "," $4 "," $5 "," $2] = $6; seeds[$1 "," $4 "," $5 "," $2] = $7 }
  file == 2 && FNR > 1 {
    k = $1 "," $2 "," $3 ","
    if ($1 == "pooled") { got[k "n_sizes"] = $4; got[k "S"] = $5; got[k "families"] = $7 }
    else { got[k "n_sizes"] = $4; got[k "rho"] = $5; got[k "slope_per_decade"] = $6 }
    if ($10 == "exact" || $10 == "random") { got[k "p"] = $8; got[k "permutations"] = $9 }
  }
  file == 3 && FNR > 2 {
    n++
    if ($5 == "advantage" || $5 == "seeds") {
      key = $1 "," $2 "," $3 "," $4
      g = $5 == "advantage" ? adv[key] : seeds[key]; if (!(key in adv)) g = "(none)"
    } else {
      key = $1 "," $2 "," $3 "," $5
      g = (key in got) ? got[key] : "(none)"
    }
    w = $6
    ok = g == w
    if (!ok && g != "(none)" && w !~ /^-?(nan|inf)$/ && g !~ /^-?(nan|inf)$/) {
      d = g - w; if (d < 0) d = -d
      m = w < 0 ? -w : w; if (m < 1) m = 1
      ok = d <= 1e-12 * m
    }
    if (!ok) { bad++; if (bad <= 5) printf "  %s,%s,%s,%s,%s: got %s, want %s\n", $1, $2, $3, $4, $5, g, w }
  }
  END {
    if (n < 100) { print "  only " n " golden rows"; exit 1 }
    exit bad ? 1 : 0
  }' fix/trend.csv fix/trend-test.csv "$src/tests/golden/trend.csv" > diffs \
  || fail "fixture" "trend.csv / trend-test.csv differ from tests/golden/trend.csv" diffs
# as many rows as the golden file: no row more
[ "$(tail -n +2 fix/trend.csv | wc -l)" -eq "$(grep -c ',advantage,' "$src/tests/golden/trend.csv")" ] \
  || fail "fixture" "trend.csv has another number of rows than the golden advantages" fix/trend.csv
echo "ok: the fixture's advantages, rho, slopes and permutation p equal scipy's"
ls fix | sort > files
printf '%s\n' figures plan.csv runs.csv tasks.csv trend-test.csv trend.csv > want_files
cmp -s files want_files || fail "fixture" "other files written" files
[ -s fix/figures/trend.png ] && [ -s fix/figures/trend.gp ] || fail "fixture" "no figures/trend.png"
cmp -s fix/runs.csv "$src/tests/fixtures/trend/runs.csv" || fail "fixture" "runs.csv changed"
# every label goes through gnuplot_str: no single-quoted or bare label from the data
grep -E "title '|ylabel '[^t]" fix/figures/trend.gp && fail "fixture" "a label not double-quoted" fix/figures/trend.gp
grep -q 'title "nmf"' fix/figures/trend.gp && grep -q 'title "cnn (not in the test)"' fix/figures/trend.gp \
  || fail "fixture" "the family keys" fix/figures/trend.gp
for f in trend.csv trend-test.csv figures/trend.gp; do cp "fix/$f" "first_$(basename "$f")"; done
"$bin" compare fix --trend > out2 || fail "fixture" "second run"
for f in trend.csv trend-test.csv figures/trend.gp; do
  cmp -s "fix/$f" "first_$(basename "$f")" || fail "fixture" "$f differs between two runs"
done
cmp -s out1 out2 || fail "fixture" "the printed output differs between two runs"
cp -r "$src/tests/fixtures/trend" packed
rm -f packed/README.md
bash "$src/scripts/pack.sh" packed/runs.csv > /dev/null
[ -e packed/runs.csv.gz ] && [ ! -e packed/runs.csv ] || fail "packed" "pack.sh did not pack runs.csv"
"$bin" compare packed --trend > /dev/null || fail "packed" "compare --trend on the packed folder"
for f in trend.csv trend-test.csv; do
  cmp -s "fix/$f" "packed/$f" || fail "packed" "$f differs from the plain folder's"
done
echo "ok: the same bytes twice, and from the packed runs.csv"

# ---- 2. ten sizes: random permutations ----
mkdir big
header="experiment,cell,task,optimizer,scheduler,seed,lr0,stage,step,train_loss,val_loss,metric_name,metric,status,diverged_step,lr,lr_clips,loss_evals,metric_goal"
awk -v H="$header" 'BEGIN {
  print H
  split("greedy up down", sc, " ")
  for (t = 1; t <= 10; t++) for (s = 1; s <= 3; s++) for (seed = 1; seed <= 3; seed++) for (g = 1; g <= 3; g++) {
    stage = g == 1 ? 10 : g == 2 ? 50 : 100
    v = s == 1 ? 1 : s == 2 ? 1 + 0.01 * t : 1 - 0.001 * t
    printf "x,c%02d%d%d,t%02d,sgd,%s,%d,0.1,%d,%d,%.6f,%.6f,m,1,ok,-1,0.1,0,0,min\n", t, s, seed, t, sc[s], seed, stage, stage, v, v
  }
}' > big/runs.csv
{ echo "task,kind,params,steps,eval_every"; for t in 01 02 03 04 05 06 07 08 09 10; do echo "t$t,wide,$((10#$t * 1000)),100,10"; done; } > big/tasks.csv
"$bin" compare big --trend > big.out || fail "random" "compare --trend" big.out
grep -qx 'size trend: S = 1 over 1 family, one-sided p = 1e-05 (random, 100000 permutations; p = (count + 1) / (permutations + 1))' big.out \
  || fail "random" "the pooled line" big.out
for want in 'pooled,all,all,10,1,nan,1,9.99990000099999e-06,100000,random' \
            'pooled,all,up,10,1,nan,1,9.99990000099999e-06,100000,random' \
            'pooled,all,down,10,-1,nan,1,1,100000,random'; do
  grep -qx "$want" big/trend-test.csv || fail "random" "no row $want" big/trend-test.csv
done
echo "ok: 10 sizes: 100,000 random permutations, p = 1/100,001 and 1"

# ---- 3. refusals: exit 2, one line, nothing written ----
cp -r "$src/tests/fixtures/trend" r
rm -f r/README.md
snapshot() { find r -type f ! -name .lrlab.lock -exec md5sum {} + | sort; }
refuse() { # NAME WANT CMD...: CMD is refused with WANT, writes nothing
  local name=$1 want=$2 rc=0
  shift 2
  snapshot > before
  "$@" > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
  check_refusal "$name" "$rc" 2 "$want" "$*" || exit 1
  snapshot | cmp -s - before || fail "$name" "files changed: $*"
  [ ! -e r/trend.csv ] && [ ! -e r/trend-test.csv ] && [ ! -e r/figures ] || fail "$name" "wrote its files: $*"
}
cp r/tasks.csv tasks.keep
edit() { awk -F, -v OFS=, "$1" tasks.keep > r/tasks.csv; }
rm r/tasks.csv
refuse "tasks.csv missing" "lrlab: r/tasks.csv: missing (expected each task's kind and parameter count, which lrlab run writes beside plan.csv; running the script into the folder again writes it without training any cell)" \
  "$bin" compare r --trend
for bad in 12.5 -3 abc 0 "" 1e6; do
  edit "NR == 4 { \$3 = \"$bad\" } { print }"
  refuse "params $bad" "lrlab: r/tasks.csv: line 4: params: invalid value (expected a whole number >= 1, got \"$bad\")" \
    "$bin" compare r --trend
done
edit 'NR == 3 { $4 = "many" } { print }'
refuse "steps" 'lrlab: r/tasks.csv: line 3: steps: invalid value (expected a whole number >= 1, got "many")' "$bin" compare r --trend
edit 'NR != 6 { print }'
refuse "task without a row" "lrlab: r/tasks.csv: task mlp-w16 of runs.csv: no row (expected a row for every task of runs.csv, as lrlab run writes it)" \
  "$bin" compare r --trend
edit '{ print } NR == 2 { print }'
refuse "task twice" "lrlab: r/tasks.csv: line 3: task: nmf-r4 a second time (expected one row per task, the first at line 2)" \
  "$bin" compare r --trend
edit 'NR == 5 { $2 = "n mf" } { print }'
refuse "kind not a name" "lrlab: r/tasks.csv: line 5: kind: invalid name (expected 1 to 63 characters of A-Z a-z 0-9 - _ . + =, the first a letter, digit or _, no __, got \"n mf\")" \
  "$bin" compare r --trend
edit 'NR == 1 { $3 = "parameters" } { print }'
refuse "header" "lrlab: r/tasks.csv: line 1: unexpected columns (expected task,kind,params,steps,eval_every, got task,kind,parameters,steps,eval_every)" \
  "$bin" compare r --trend
cp tasks.keep r/tasks.csv
refuse "reference" "lrlab: r/runs.csv: no runs of the reference scheduler \"hd\" (expected one of the schedulers in it: greedy, constant, cosine)" \
  "$bin" compare r --trend --reference hd
refuse "--tie" "lrlab: compare: --trend: with --tie (expected only --reference and --measure beside --trend, and one folder)" \
  "$bin" compare r --trend --tie paper
refuse "--multiverse" "lrlab: compare: --trend: with --multiverse (expected only --reference and --measure beside --trend, and one folder)" \
  "$bin" compare r --multiverse --trend
refuse "two folders" "lrlab: compare: --trend: with fix (expected only --reference and --measure beside --trend, and one folder)" \
  "$bin" compare r fix --trend
refuse "measure" "lrlab: compare: --measure: invalid value (expected one of train_loss, val_loss, metric, auc, steps_to_target, seconds_to_target, got loss)" \
  "$bin" compare r --trend --measure loss
echo "ok: refusals"

# ---- 4. a real experiment: tasks.csv, --check, merge, the figure ----
cat > sizes.lua << 'EOF'
local function quad(d)
  return task "quadratic" { label = "quad-" .. d, dim = d, condition = 10, steps = 200, eval_every = 50 }
end
local function mlp(w)
  return task "mlp" { label = "mlp-" .. w, dataset = "synthetic", widths = w, n = 400, val_size = 100,
                      train_eval_size = 100, batch = 16, steps = 60, eval_every = 20 }
end
experiment { name = "sizes", seeds = { 1, 2, 3 },
  tasks = { quad(10), quad(30), quad(100), quad(300), mlp(4), mlp(8), mlp(16) },
  optimizers = { optimizer "sgd" { lr = 0.05 } },
  schedulers = {
    scheduler "greedy" { signal = "train_step", smooth = true, window = 10, patience = 3, min_lr = 0.001 },
    scheduler "constant" {}, scheduler "cosine" { eta_min = 0.001 },
  },
}
EOF
"$bin" run sizes.lua --check > check.out 2>&1 || fail "check" "lrlab run --check failed" check.out
grep -qx 'parameters: quad-10 10, quad-30 30, quad-100 100, quad-300 300, mlp-4 3190, mlp-8 6370, mlp-16 12730 (trainable, per task)' check.out \
  || fail "check" "--check does not print the parameter counts" check.out
"$bin" run sizes.lua --out sizes --quiet -j 2 > run.out 2>&1 || fail "run" "lrlab run failed" run.out
{
  echo "task,kind,params,steps,eval_every"
  for d in 10 30 100 300; do echo "quad-$d,quadratic,$d,200,50"; done
  for w in 4 8 16; do echo "mlp-$w,mlp,$((795 * w + 10)),60,20"; done
} > want_tasks.csv
cmp -s sizes/tasks.csv want_tasks.csv || fail "run" "tasks.csv is not the known counts" sizes/tasks.csv
for k in 1 2; do "$bin" run sizes.lua --out "shard$k" --shard "$k/2" --quiet -j 2 > "shard$k.out" 2>&1 \
  || fail "shard" "shard $k" "shard$k.out"; done
"$bin" merge merged shard1 shard2 --quiet > merge.out 2>&1 || fail "merge" "lrlab merge failed" merge.out
cmp -s merged/tasks.csv want_tasks.csv || fail "merge" "merge did not carry tasks.csv over" merged/tasks.csv
"$bin" compare sizes --trend > sizes.out 2>&1 || fail "trend" "compare --trend on the run" sizes.out
[ -s sizes/figures/trend.png ] || fail "trend" "no figures/trend.png" sizes.out
grep -q '^quadratic,sgd,all,4,' sizes/trend-test.csv && grep -q '^mlp,sgd,all,3,' sizes/trend-test.csv \
  || fail "trend" "trend-test.csv lacks the two families" sizes/trend-test.csv
grep -q '^size trend: S = .* over 2 families, one-sided p = .* (exact, 144 permutations)$' sizes.out \
  || fail "trend" "the pooled line" sizes.out
echo "ok: lrlab run writes tasks.csv (quadratic: dim; mlp: 795 w + 10), merge carries it, --trend draws"

# ---- 5. help ----
"$bin" compare --help > help.out || fail "help" "compare --help failed"
grep -q -- '--trend' help.out || fail "help" "compare --help does not document --trend" help.out
echo "trend: ok"
