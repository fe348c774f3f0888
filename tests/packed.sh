#!/usr/bin/env bash
# packed.sh - the packed form of result files (scripts/pack.sh; harness/base/fsutil.h,
# fs_read_packed): compare reads runs.csv.gz and evals.csv.K-N.gz parts and writes exactly what it
# writes from the plain files; the plain file, when present, wins; a part that is not gzip or is
# cut short, a missing part (the last one too) and two sets of parts are refused with one line,
# exit 2.
# usage: packed.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap "rm -rf $tmp" EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
header="experiment,cell,task,optimizer,scheduler,seed,lr0,stage,step,train_loss,val_loss,metric_name,metric,status,diverged_step,lr,lr_clips,loss_evals,metric_goal"
mkdir -p "$tmp/plain"
awk -v H="$header" 'BEGIN {
  print H
  split("greedy cosine constant", sc, " ")
  for (t = 1; t <= 3; t++) for (s = 1; s <= 3; s++) for (seed = 1; seed <= 12; seed++) for (g = 1; g <= 3; g++) {
    stage = g == 1 ? 10 : g == 2 ? 50 : 100
    v = 1 + (s == 1 ? 0 : (seed % 3 - 1) * 0.3 + s * 0.01 * t)
    printf "x,c%d%d%02d,t%d,sgd,%s,%d,0.1,%d,%d,%.6f,%.6f,m,%.6f,ok,-1,0.1,0,0,min\n", t, s, seed, t, sc[s], seed, stage, stage, v, v, v
  }
}' > "$tmp/plain/runs.csv"
awk -F, 'BEGIN { print "cell,task,optimizer,scheduler,seed,step,train_loss,val_loss,metric,lr" }
  NR > 1 && $8 == 100 { for (k = 0; k <= 5; k++) printf "%s,%s,%s,%s,%s,%d,%s,%.6f,%s,0.1\n", $2, $3, $4, $5, $6, 20 * k, $10, $11 + (5 - k) * 0.1, $13 }' \
  "$tmp/plain/runs.csv" > "$tmp/plain/evals.csv"
cp -r "$tmp/plain" "$tmp/packed"
PACK_LIMIT=1500 bash "$src/scripts/pack.sh" "$tmp/packed/runs.csv" "$tmp/packed/evals.csv" > /dev/null
[ -e "$tmp/packed/runs.csv.2-2.gz" ] && [ -e "$tmp/packed/evals.csv.3-3.gz" ] && [ ! -e "$tmp/packed/runs.csv" ] \
  || fail "pack did not write parts: $(ls "$tmp/packed")"
for d in plain packed; do "$bin" compare "$tmp/$d" --tie paper > "$tmp/$d.out" || fail "compare $d"; done
for f in comparisons tests verdict profiles ranks; do
  cmp -s "$tmp/plain/$f.csv" "$tmp/packed/$f.csv" || fail "$f.csv differs between the plain and the packed folder"
done
diff <(sed "s|$tmp/plain|D|" "$tmp/plain.out") <(sed "s|$tmp/packed|D|" "$tmp/packed.out") > /dev/null || fail "printed output differs"
echo "ok: the packed folder compares exactly as the plain one"

# the plain file wins over a packed form beside it
cp "$tmp/plain/runs.csv" "$tmp/packed/runs.csv"
sed -i 's/^x,c1101,t1,sgd,greedy,1,0.1,100,100,[0-9.]*/x,c1101,t1,sgd,greedy,1,0.1,100,100,99/' "$tmp/packed/runs.csv"
"$bin" compare "$tmp/packed" --tie paper > /dev/null
grep -q '^train_loss,t1,sgd,100,cosine,1,99,' "$tmp/packed/comparisons.csv" || fail "the plain runs.csv was not read first"
rm "$tmp/packed/runs.csv"
echo "ok: the plain file wins"

refused() { # WANT-SUBSTRING: compare exits 2 with one line holding it, writes no verdict
  local rc=0
  "$bin" compare "$tmp/packed" > /dev/null 2> "$tmp/err" || rc=$?
  [ $rc -eq 2 ] || fail "exit $rc (expected 2): $(cat "$tmp/err")"
  [ "$(wc -l < "$tmp/err")" -le 2 ] || fail "long error: $(cat "$tmp/err")"
  grep -q -- "$1" "$tmp/err" || fail "message: $(cat "$tmp/err") (expected $1)"
  [ ! -e "$tmp/packed/verdict.csv" ] || fail "a verdict was written"
}
rm -f "$tmp/packed/verdict.csv"
cp "$tmp/packed/runs.csv.2-2.gz" "$tmp/r2"
printf 'not gzip\n' > "$tmp/packed/runs.csv.2-2.gz"
refused "runs.csv.2-2.gz: gzip stream: not gzip"
head -c 100 "$tmp/r2" > "$tmp/packed/runs.csv.2-2.gz"
refused "runs.csv.2-2.gz: gzip stream: truncated"
rm "$tmp/packed/runs.csv.2-2.gz"
refused "runs.csv: packed part 2 of 2 missing"
cp "$tmp/r2" "$tmp/packed/runs.csv.2-2.gz"
cp "$tmp/packed/runs.csv.1-2.gz" "$tmp/packed/runs.csv.1-3.gz"
refused "runs.csv: two sets of packed parts"
rm "$tmp/packed/runs.csv.1-3.gz"
"$bin" compare "$tmp/packed" > /dev/null || fail "the restored parts"
echo "packed: ok"
