#!/usr/bin/env bash
# verify_cli.sh - lrlab verify, end to end: a folder made here verifies (exit 0), a folder
# whose numbers were changed or that was made with another kernel does not (exit 1, the cell
# and its differences named), bad input is refused with one line and exit 2, and the folder
# is never written.
# usage: verify_cli.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
unset LRLAB_BLAS
mkdir "$tmp/tmpdir"
export TMPDIR=$tmp/tmpdir # verify's temporary folders, which must all be gone at the end
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"

# snapshot DIR: every path, size and content hash (verify must leave it as it was)
snap() { (cd "$1" && find . -printf '%p %y %s %m\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# a small experiment with a tuning stage and a task that calls BLAS: from a copy of its script
mkdir -p "$tmp/w"
cat > "$tmp/w/v.lua" <<'EOF'
experiment { name = "v", seeds = { 1, 2, 3 }, tune = { seed = 100 },
  tasks = { task "nmf" { dataset = "faces", rank = 8, batch = 16, steps = 60, eval_every = 20 },
            task "quadratic" { steps = 50, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.5 } } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" { signal = "train_step" } } }
EOF
cd "$tmp/w"
"$bin" run v.lua --out r --quiet -j 2 > /dev/null
snap r > "$tmp/before"

# 1. everything verifies: a sample, all of them, named cells
"$bin" verify r --sample 5 > "$tmp/out" || { cat "$tmp/out"; fail "verify of a fresh folder failed"; }
[ "$(tail -1 "$tmp/out" | cut -d'(' -f1)" = "verified: 5 of 5 cells byte-identical " ] || fail "last line: $(tail -1 "$tmp/out")"
[ "$(grep -c '^identical ' "$tmp/out")" -eq 5 ] || fail "5 identical lines expected"
"$bin" verify r --sample 1000 > "$tmp/all" || fail "verify of every cell failed"
# 12 evaluation cells and 8 tuning cells (2 tasks x 2 schedulers x 2 lrs)
grep -q '^verified: 20 of 20 cells byte-identical' "$tmp/all" || fail "all: $(tail -1 "$tmp/all")"
[ "$(grep -c '(tuning)' "$tmp/all")" -eq 8 ] || fail "the tuning cells are not all verified"
# the same seed draws the same cells; another seed others
"$bin" verify r --sample 5 --seed 0 | cut -d' ' -f2 > "$tmp/s0a"
"$bin" verify r --sample 5 --seed 0 | cut -d' ' -f2 > "$tmp/s0b"
"$bin" verify r --sample 5 --seed 7 | cut -d' ' -f2 > "$tmp/s7"
cmp -s "$tmp/s0a" "$tmp/s0b" || fail "the same seed drew other cells"
cmp -s "$tmp/s0a" "$tmp/s7" && fail "seeds 0 and 7 drew the same cells"
id1=$(sed -n 2p r/plan.csv | cut -d, -f2)
id2=$(sed -n 3p r/plan.csv | cut -d, -f2)
"$bin" verify r --cells "$id1,$id2" > "$tmp/named" || fail "verify --cells failed"
[ "$(grep -c '^identical ' "$tmp/named")" -eq 2 ] || fail "--cells: $(cat "$tmp/named")"

# the packed form (scripts/pack.sh: runs.csv.gz or parts evals.csv.1-N.gz ...) verifies the same
cp -r r rp
PACK_LIMIT=500 bash "$src/scripts/pack.sh" rp/runs.csv rp/evals.csv > "$tmp/pack.out" || fail "pack: $(cat "$tmp/pack.out")"
[ ! -e rp/runs.csv ] && ls rp/evals.csv.2-*.gz > /dev/null || fail "pack: $(cat "$tmp/pack.out")"
"$bin" verify rp --sample 1000 > "$tmp/packed" || fail "verify of a packed folder: $(tail -3 "$tmp/packed")"
grep -q '^verified: 20 of 20 cells byte-identical' "$tmp/packed" || fail "packed: $(tail -1 "$tmp/packed")"
rm -rf rp
# a folder of an lrlab from before runs.csv's last column (reason) verifies on the columns it has
cp -r r ro
awk -F, -v OFS=, 'NR == 1 { if ($NF != "reason") exit 1 } { NF--; print }' r/runs.csv > ro/runs.csv \
  || fail "runs.csv's last column is not reason: $(head -1 r/runs.csv)"
"$bin" verify ro --sample 1000 > "$tmp/old" || fail "verify of a folder without reason: $(tail -3 "$tmp/old")"
grep -q '^verified: 20 of 20 cells byte-identical' "$tmp/old" || fail "without reason: $(tail -1 "$tmp/old")"
rm -rf ro

# 2. a changed number is found, named with its difference, exit 1
cp -r r r2
awk -F, -v id="$id1" 'BEGIN { OFS = "," } $2 == id && $8 == "100" { $10 = $10 * 1.5 } { print }' r/runs.csv > r2/runs.csv
set +e
"$bin" verify r2 --cells "$id1,$id2" > "$tmp/out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "a changed train_loss: exit $rc"
grep -q "^different $id1 .*stage 100: train_loss" "$tmp/out" || fail "the changed cell: $(cat "$tmp/out")"
grep -q "^identical $id2 " "$tmp/out" || fail "the unchanged cell"
grep -q '^verified: 1 of 2 cells byte-identical' "$tmp/out" || fail "last line: $(tail -1 "$tmp/out")"
rm -rf r2

# 3. a folder made with another kernel (native Sandybridge) differs in the NMF cells only
OPENBLAS_CORETYPE=Sandybridge "$bin" run v.lua --out rn --quiet -j 2 --blas native > /dev/null
set +e
"$bin" verify rn --sample 1000 > "$tmp/out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "a native Sandybridge folder verified in portable mode (exit $rc)"
grep -q '^note: the folder was made with the Sandybridge kernel' "$tmp/out" || fail "no note on the kernel"
grep '^different ' "$tmp/out" | grep -vq ' nmf-faces ' && fail "a cell without BLAS differs"
grep '^identical ' "$tmp/out" | grep -q ' nmf-faces ' && fail "an NMF cell of another kernel is identical"
OPENBLAS_CORETYPE=Sandybridge "$bin" verify rn --sample 3 --blas native > /dev/null || fail "native verify on the same kernel"

# 4. bad input: one line, exit 2, nothing written
check() { # WANT ARGS...
  local want=$1
  shift
  set +e
  "$bin" "$@" > "$tmp/stdout" 2> "$tmp/stderr"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$*: exit $rc (expected 2)"
  [ "$(head -1 "$tmp/stderr")" = "$want" ] || fail "$*: got '$(head -1 "$tmp/stderr")', expected '$want'"
  [ ! -s "$tmp/stdout" ] || fail "$*: wrote on stdout"
  [ "$(wc -l < "$tmp/stderr")" -le 2 ] || fail "$*: more than a line and a hint"
}
check "lrlab: verify: missing folder (expected DIR with the results of lrlab run, got nothing)" verify
check "lrlab: verify: nosuch: not a result folder (expected a folder made by lrlab run, got nothing)" verify nosuch
check "lrlab: verify: v.lua: not a result folder (expected a folder made by lrlab run, got a file)" verify v.lua
mkdir empty
check "lrlab: verify: empty: not a result folder (expected provenance.txt, plan.csv and runs.csv of lrlab run, got no provenance.txt)" verify empty
check "lrlab: verify: --sample: invalid value (expected an integer from 1 to 1000000, got 0)" verify r --sample 0
check "lrlab: verify: --sample: invalid value (expected an integer from 1 to 1000000, got -3)" verify r --sample -3
check "lrlab: verify: --sample: invalid value (expected an integer from 1 to 1000000, got 99999999999999999999)" verify r --sample 99999999999999999999
check "lrlab: verify: --sample: invalid value (expected an integer from 1 to 1000000, got 1000001)" verify r --sample 1000001
check "lrlab: verify: --sample: invalid value (expected an integer from 1 to 1000000, got 5x)" verify r --sample 5x
check "lrlab: verify: --sample: invalid value (expected an integer from 1 to 1000000, got nothing)" verify r --sample
check "lrlab: verify: --seed: invalid value (expected a non-negative integer, got -1)" verify r --seed -1
check "lrlab: verify: --cells: 0123456789abcdef: unknown cell (expected the id of a complete cell of the folder, as in its runs.csv or plan.csv)" verify r --cells 0123456789abcdef
check "lrlab: verify: --cells: $id1: named twice (expected distinct cell ids)" verify r --cells "$id1,$id1"
check "lrlab: verify: --cells: : unknown cell (expected the id of a complete cell of the folder, as in its runs.csv or plan.csv)" verify r --cells "$id1,"
check "lrlab: verify: --cells and --sample: both given (expected one of them)" verify r --cells "$id1" --sample 3
check "lrlab: verify: --blas: invalid value (expected portable or native, got avx)" verify r --blas avx
check "lrlab: verify: --fast: unknown option (expected --sample, --seed, --cells or --blas)" verify r --fast
check "lrlab: verify: r: unexpected argument (expected one folder)" verify r r
# a changed script: a comment changes no cell, so the cells verify against it (with a note);
# a change to the plan is refused, naming the first cell that differs
sum=$(sha256sum v.lua | cut -d' ' -f1)
echo "-- a comment" >> v.lua
"$bin" verify r --cells "$id1" > "$tmp/out" || fail "a comment in the script: $(cat "$tmp/out")"
grep -q '^verify: v.lua is not the file that made r (sha256 differs), but its plan gives the same 12 cells' "$tmp/out" \
  || fail "no note on the changed script: $(head -2 "$tmp/out")"
grep -q '^verified: 1 of 1 cells byte-identical' "$tmp/out" || fail "comment: $(tail -1 "$tmp/out")"
head -n -1 v.lua > v2 && mv v2 v.lua
sed -i 's/steps = 50, eval_every = 10/steps = 40, eval_every = 10/' v.lua
qid=$(awk -F, '$4 == "quadratic" { print $2; exit }' r/plan.csv)
qline=$(awk -F, -v id="$qid" '$2 == id { print NR; exit }' r/plan.csv)
set +e
"$bin" verify r > "$tmp/stdout" 2> "$tmp/stderr"
rc=$?
set -e
[ $rc -eq 2 ] || fail "a changed plan: exit $rc"
grep -q "^lrlab: verify: r/plan.csv: line $qline: cell $qid, the script's plan gives " "$tmp/stderr" || fail "changed plan: $(cat "$tmp/stderr")"
grep -q "^hint: v.lua changed since r was made" "$tmp/stderr" || fail "no hint on the changed script: $(cat "$tmp/stderr")"
sed -i 's/steps = 40, eval_every = 10/steps = 50, eval_every = 10/' v.lua
[ "$(sha256sum v.lua | cut -d' ' -f1)" = "$sum" ] || fail "v.lua not restored"
mv v.lua v.moved
check "lrlab: verify: v.lua: the script that made r is missing (expected a file with sha256 $sum)" verify r
mv v.moved v.lua
mkdir data
for f in "$LRLAB_DATA"/*; do ln -s "$f" "data/$(basename "$f")"; done
rm data/lfw_subset.npy
cp "$LRLAB_DATA/lfw_subset.npy" data/lfw_subset.npy
printf 'x' >> data/lfw_subset.npy
dsum=$(sha256sum "$LRLAB_DATA/lfw_subset.npy" | cut -d' ' -f1)
LRLAB_DATA=data check "lrlab: verify: data/lfw_subset.npy: data changed since r was made (expected sha256 $dsum, got $(sha256sum data/lfw_subset.npy | cut -d' ' -f1))" verify r
rm data/lfw_subset.npy
LRLAB_DATA=data check "lrlab: verify: data/lfw_subset.npy: data file missing (expected sha256 $dsum, as when r was made)" verify r
# a plan that the script does not give: an id changed in plan.csv
cp -r r r3
sed -i "2s/$id1/0000000000000000/" r3/plan.csv
check "lrlab: verify: r3/plan.csv: line 2: cell 0000000000000000, the script's plan gives $id1 (expected the same configuration: did the script, lrlab's version or the component defaults change?)" verify r3
rm -rf r3
# a runs.csv whose header lacks a column verify reads
cp -r r r4
sed -i '1s/,status,/,state,/' r4/runs.csv
check "lrlab: verify: r4/runs.csv: line 1: no column status (expected the header lrlab writes)" verify r4
rm -rf r4

snap r > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || { diff "$tmp/before" "$tmp/after" | head; fail "verify changed the folder"; }
[ -z "$(ls -A "$TMPDIR")" ] || fail "verify left files in TMPDIR: $(ls -A "$TMPDIR")"
echo "ok: verify"
