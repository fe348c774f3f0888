#!/usr/bin/env bash
# report_arms.sh - `lrlab report DIR --arm OTHER...`: the section on a study's arms.
#  1. three arms (GreedyLR's hf and paper variants; a third with one optimizer and fewer
#     seeds) give report.md a section with every arm's verdict (tables/arms.md), the choices
#     table (tables/multiverse-choices.md) and the specification curve (figures/multiverse.*),
#     whose numbers agree with the multiverse.csv that lrlab compare --multiverse wrote;
#  2. the same inputs give the same bytes;
#  3. bad input: --arm without a value, a missing arm folder, --arm with --with, more than 16
#     arms, an arm whose provenance names a hostile arm: exit 2, nothing written, no command
#     run;
#  4. --size SIZE: a size sweep (three quadratic dimensions, a family) gets a section whose
#     table is SIZE/trend-test.csv's rows and whose figure plots every task; a folder without
#     tasks.csv is refused, nothing written.
# usage: report_arms.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"

script() { # script NAME ARM VARIANT OPTIMIZERS SEEDS
  cat > "$1.lua" <<LUA
experiment { name = "arms", arm = { greedy = "$2" }, seeds = { $5 },
  tasks = { task "quadratic" { label = "q", dim = 10, sigma = 0.1, steps = 60, eval_every = 10 },
            task "rosenbrock" { label = "r", dim = 4, sigma = 0.1, steps = 60, eval_every = 10 } },
  optimizers = { $4 },
  schedulers = { scheduler "greedy" { label = "greedy", variant = "$3", signal = "train_step" },
                 scheduler "constant" {}, scheduler "cosine" {} } }
LUA
  "$bin" run "$1.lua" --out "$1" --quiet -j 2 > /dev/null || fail "run $1"
}
both='optimizer "sgd" { lr = 0.01 }, optimizer "adam" { lr = 0.01 }'
script a hf hf "$both" "1, 2, 3, 4, 5, 6"
script b paper paper "$both" "1, 2, 3, 4, 5, 6"
script c paper-sgd paper 'optimizer "sgd" { lr = 0.01 }' "1, 2, 3, 4"

# 1. the section and its numbers
"$bin" report a --arm b --arm c --paper p > out.txt || fail "report with arms"
grep -q '^## The arms and the multiverse' p/report.md || fail "no arms section"
for f in tables/arms.md tables/arms.tex tables/multiverse-choices.md figures/multiverse.gp \
         figures/multiverse.png figures/multiverse.pdf figures/data/multiverse.csv; do
  [ -s "p/$f" ] || fail "missing p/$f"
done
mv=a/multiverse.csv
total=$(($(wc -l < "$mv") - 1))
# arms b and a: 1080 specifications each (2 optimizers); c: one optimizer, no "without"
[ "$(grep -c '^"\?greedy=hf' "$mv")" -eq 1080 ] || fail "arm a's specifications"
[ "$(grep -c '^"\?greedy=paper-sgd' "$mv")" -eq 360 ] || fail "arm c's specifications"
[ "$total" -eq 2520 ] || fail "multiverse rows: $total"
grep -q "$total specifications in all" p/report.md || fail "the section's count"
[ "$(grep -c '^[0-9]' p/figures/data/multiverse.csv)" -eq "$total" ] || fail "the curve's points"
# every arm's row: its specifications, and the three verdict counts adding up to them
for arm in greedy=hf greedy=paper greedy=paper-sgd; do
  row=$(grep "^| $arm |" p/tables/arms.md) || fail "no row for $arm"
  IFS='|' read -r _ _ units good share verdict _ _ nspec sup notsup und _ <<< "$row"
  n=$(awk -F, -v a="$arm" '$1 == a' "$mv" | wc -l)
  [ "$nspec" -eq "$n" ] || fail "$arm: $nspec specifications in the table, $n in multiverse.csv"
  [ $((sup + notsup + und)) -eq "$n" ] || fail "$arm: verdicts do not add up"
  # the share under the report's settings is multiverse.csv's row for them
  want=$(awk -F, -v a="$arm" '$1 == a && $3 == "task:0.01" && $4 == "train_loss" && $5 == "all" &&
         $6 == "not-worse" && $7 == "crossed" && $8 == "none" { printf "%.1f%%", 100 * $11 }' "$mv")
  [ "$(echo "$share" | awk '{ print $1 }')" = "$want" ] || fail "$arm: share $share, multiverse.csv $want"
done
grep -q '^| tie | abs:0.1 |' p/tables/multiverse-choices.md || fail "choices table"
echo "ok: the arms section agrees with multiverse.csv ($total specifications)"

# 2. the same bytes
mkdir x y # sibling folders, so that the command lines the reports quote are the same
(cd x && "$bin" report ../a --arm ../b --arm ../c --paper p > /dev/null) || fail "report x"
(cd y && "$bin" report ../a --arm ../b --arm ../c --paper p > /dev/null) || fail "report y"
for f in report.md tables/arms.md tables/multiverse-choices.md figures/multiverse.gp figures/data/multiverse.csv; do
  cmp -s "x/p/$f" "y/p/$f" || fail "$f differs between two reports"
done
echo "ok: two reports, same bytes"

# 3. refusals: exit 2, short message, nothing written
expect2() { local rc=0; "$bin" report "$@" > /dev/null 2> err || rc=$?
  [ $rc -eq 2 ] || fail "exit $rc for: $*"; [ "$(wc -l < err)" -le 2 ] || fail "long error for $*: $(cat err)"
  [ ! -e out ] || fail "wrote out for: $*"; }
expect2 a --arm
grep -q -- '--arm: missing value' err || fail "$(cat err)"
expect2 a --arm nosuch --paper out
expect2 a --arm b --with b --paper out
grep -q 'not with --with' err || fail "$(cat err)"
many=(); for i in $(seq 17); do many+=(--arm b); done
expect2 a "${many[@]}" --paper out
grep -q 'at most 16' err || fail "$(cat err)"
cp -r b h
printf 'arm: $(touch PWNED)\n' > h/provenance.txt
expect2 a --arm h --paper out
[ ! -e PWNED ] && [ ! -e a/PWNED ] || fail "an arm's name ran a command"
# an unknown reference, in the folder or in an arm, lists the schedulers there
expect2 a --reference nosuch --paper out
grep -qxF 'lrlab: a/runs.csv: no runs of the reference scheduler "nosuch" (expected one of the schedulers in it: greedy, constant, cosine)' err \
  || fail "report --reference nosuch: $(cat err)"
cp -r b n
sed -i 's/,greedy,/,greedy2,/' n/runs.csv n/plan.csv
sed -i 's/^arm: .*/arm: greedy=renamed/' n/provenance.txt
expect2 a --arm n --paper out
grep -qxF 'lrlab: n/runs.csv: no runs of the reference scheduler "greedy" (expected it, as in a; the schedulers in it: greedy2, constant, cosine)' err \
  || fail "an arm without the reference: $(cat err)"
echo "ok: refusals"

# 4. the model-size section
cat > size.lua <<LUA
experiment { name = "size", seeds = { 1, 2, 3, 4 },
  tasks = { task "quadratic" { label = "q10", dim = 10, sigma = 0.1, steps = 60, eval_every = 10 },
            task "quadratic" { label = "q30", dim = 30, sigma = 0.1, steps = 60, eval_every = 10 },
            task "quadratic" { label = "q100", dim = 100, sigma = 0.1, steps = 60, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "greedy" { label = "greedy", signal = "train_step" },
                 scheduler "constant" {}, scheduler "cosine" {} } }
LUA
"$bin" run size.lua --out size --quiet -j 2 > /dev/null || fail "run size"
"$bin" report a --size size --paper s > /dev/null || fail "report --size"
grep -q '^## Model size' s/report.md || fail "no size section"
grep -q 'one-sided p = ' s/report.md || fail "no test in the size section"
[ "$(grep -c '^| ' s/tables/size-trend.md)" -eq $(( $(wc -l < size/trend-test.csv) - 1 + 1 )) ] \
  || fail "size-trend table rows: $(grep -c '^| ' s/tables/size-trend.md) for $(wc -l < size/trend-test.csv) lines"
# every finite advantage of trend.csv is a point (the family's median and each baseline's)
finite=$(awk -F, 'NR > 1 && $6 != "nan" && $6 != "inf" && $6 != "-inf"' size/trend.csv | wc -l)
[ "$(grep -c '^[0-9]' s/figures/data/size-trend.csv)" -eq "$finite" ] || fail "the figure's points"
[ -s s/figures/size-trend.png ] && [ -s s/figures/size-trend.pdf ] || fail "no size figure"
expect2 a --size
grep -q -- '--size: missing value' err || fail "$(cat err)"
cp -r size nosize && rm nosize/tasks.csv
expect2 a --size nosize --paper out
grep -q 'tasks.csv' err || fail "$(cat err)"
echo "ok: the model-size section"
