#!/usr/bin/env bash
# join_cli.sh - `lrlab compare DIR --with OTHER` and `lrlab report DIR --with OTHER`
# (harness/engine/join.h) on three small experiments of the same tasks, optimizers and seeds:
#   a = greedy + constant, b = greedy + cosine, c = greedy + constant + cosine,
# whose greedy cells are the same cells, with the same ids, in all three (a cell id hashes the
# cell's configuration, not the experiment's name). Each run takes about a second.
#  1. compare a --with b writes comparisons.csv, tests.csv, profiles.csv, ranks.csv and
#     verdict.csv (its settings column apart, which ends ";with=b") byte-identical to
#     compare c; the banner names both folders and the runs read from each; a --with folder
#     in packed form gives the same; --multiverse takes the joined runs.
#     Wall times differ from run to run, so c's timing.csv is made of a's and b's (each cell's
#     from the folder the join reads it from) before the comparison.
#  2. report a --with b writes tables and figure data byte-identical to report c apart from
#     their first line (the banner naming DIR and the settings, ";with=b" included); it uses
#     the comparison compare a --with b made (same settings); the learning-rate figures read
#     each cell's curves from the folder it came from.
#  3. refusals, each exit 2 with one line (check_refusal) and nothing written: a's files keep
#     their bytes and times, report's --paper folder is not made: a --with folder whose cell
#     has another value under the same id (an edited copy), one whose label is another cell id
#     (a task parameter changed under the same label), a missing folder, a folder of no common
#     task, DIR itself as --with (refused, not merged: the settings would name a folder that
#     adds nothing), the same folder twice, a folder that is not a result folder, one without
#     evals.csv, --with with multiverse arms, a --with without its value.
#  4. compare --help and report --help document --with.
# usage: join_cli.sh SRC_DIR LRLAB_BIN
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

greedy='scheduler "greedy" { signal = "train_step", smooth = true, window = 10, patience = 3, min_lr = 0.001 }'
mk() { # mk NAME SCHEDULER...: the experiment NAME.lua with these schedulers, all else the same
  local name=$1 s
  shift
  {
    echo "experiment { name = \"$name\", seeds = { 1, 2, 3 },"
    echo "  tasks = {"
    echo "    task \"quadratic\" { dim = 8, steps = 150, eval_every = 25 },"
    echo "    task \"nmf\" { dataset = \"synthetic\", m = 30, n = 60, rank = 4, batch = 8, steps = 100, eval_every = 25 },"
    echo "  },"
    echo "  optimizers = { optimizer \"sgd\" { lr = 0.05, momentum = 0.5 }, optimizer \"adam\" { lr = 0.01 } },"
    echo "  schedulers = {"
    for s in "$@"; do
      case $s in
        greedy) echo "    $greedy," ;;
        constant) echo '    scheduler "constant" {},' ;;
        cosine) echo '    scheduler "cosine" { eta_min = 0.001 },' ;;
      esac
    done
    echo "  },"
    echo "}"
  } > "$name.lua"
}
mk a greedy constant
mk b greedy cosine
mk c greedy constant cosine
# d: quadratic's dim changed under the same label; e: a task that a, b and c do not have
cat > d.lua << EOF
experiment { name = "d", seeds = { 1 },
  tasks = { task "quadratic" { dim = 9, steps = 150, eval_every = 25 } },
  optimizers = { optimizer "sgd" { lr = 0.05, momentum = 0.5 } },
  schedulers = { $greedy } }
EOF
cat > e.lua << EOF
experiment { name = "e", seeds = { 1 },
  tasks = { task "rosenbrock" { steps = 50, eval_every = 25 } },
  optimizers = { optimizer "sgd" { lr = 0.001 } },
  schedulers = { $greedy } }
EOF
for x in a b c d e; do
  "$bin" run "$x.lua" --out "$x" --quiet -j 2 > "run_$x.log" 2>&1 || fail "run $x" "run_$x.log"
done
ids() { cut -d, -f2 "$1/plan.csv" | tail -n +2 | sort; }
[ "$(comm -12 <(ids a) <(ids b) | wc -l)" -eq 12 ] || fail setup "a and b should share greedy's 12 cells"
[ -z "$(comm -23 <(ids a) <(ids c))" ] && [ -z "$(comm -23 <(ids b) <(ids c))" ] \
  || fail setup "a's and b's cells should all be c's"
awk -F, 'FNR == 1 { next } FILENAME == "a/timing.csv" { t[$1] = $2; next }
         FILENAME == "b/timing.csv" { if (!($1 in t)) t[$1] = $2; next }
         { print $1 "," t[$1] }' a/timing.csv b/timing.csv c/timing.csv > c_timing.csv
{ echo "cell,seconds"; cat c_timing.csv; } > c/timing.csv

# ---- 1. compare ----
"$bin" compare c > compare_c.out || fail "compare c" compare_c.out
"$bin" compare a --with b > compare_ab.out || fail "compare a --with b" compare_ab.out
for f in comparisons tests profiles ranks; do
  cmp -s "a/$f.csv" "c/$f.csv" || fail "compare a --with b" "$f.csv differs from compare c's"
done
cmp -s <(cut -d, -f1-28 a/verdict.csv) <(cut -d, -f1-28 c/verdict.csv) \
  || fail "compare a --with b" "verdict.csv differs from compare c's apart from the settings"
[ "$(head -1 a/verdict.csv | cut -d, -f29-)" = settings ] || fail verdict.csv "column 29 is not the settings"
tail -n +2 a/verdict.csv | cut -d, -f29- | grep -qv ';claim=0.9;with=b$' \
  && fail verdict.csv "the settings do not name the joined folder" a/verdict.csv
banner="joined by cell id: 24 runs from a, 12 from b (12 more skipped: the same cells as in a folder before it)"
[ "$(head -1 compare_ab.out)" = "$banner" ] || fail "compare a --with b" "banner" compare_ab.out
diff <(tail -n +2 compare_ab.out | sed 's|^written: a/|written: c/|') compare_c.out > diff.txt \
  || fail "compare a --with b" "printed tables differ from compare c's" diff.txt
cp -r b b_packed
bash "$src/scripts/pack.sh" b_packed/runs.csv b_packed/evals.csv > /dev/null
[ -e b_packed/runs.csv.gz ] && [ ! -e b_packed/runs.csv ] || fail setup "b_packed is not packed"
cp -r a a_packed
"$bin" compare a_packed --with b_packed > /dev/null || fail "compare --with a packed folder" ""
for f in comparisons tests profiles ranks; do
  cmp -s "a_packed/$f.csv" "c/$f.csv" || fail "compare --with a packed folder" "$f.csv differs"
done
# a folder of an lrlab from before runs.csv's last column (reason) joins on the columns both have
cp -r b b_old && cp -r a a_old
awk -F, -v OFS=, 'NR == 1 && $NF != "reason" { exit 1 } { NF--; print }' b/runs.csv > b_old/runs.csv \
  || fail setup "runs.csv's last column is not reason" ""
"$bin" compare a_old --with b_old > /dev/null || fail "compare --with a folder without reason" ""
for f in comparisons tests profiles ranks; do
  cmp -s "a_old/$f.csv" "c/$f.csv" || fail "compare --with a folder without reason" "$f.csv differs"
done
cp -r a a_mv
"$bin" compare a_mv --with b --multiverse > mv.out || fail "compare --with --multiverse" mv.out
[ "$(awk -F, 'NR > 1 && $1 == "a"' a_mv/multiverse.csv | wc -l)" -gt 0 ] \
  || fail "compare --with --multiverse" "no specification of arm a" a_mv/multiverse.csv
echo "ok: compare a --with b writes what compare c writes, settings apart; packed; multiverse"

# ---- 2. report ----
# (from the folder compare ran in: the settings name the --with folder as given)
"$bin" report a --with b --paper r_ab > r_ab.out || fail "report a --with b" r_ab.out
"$bin" report c --paper r_c > r_c.out || fail "report c" r_c.out
grep -q 'running lrlab compare' r_ab.out \
  && fail "report a --with b" "compared again: compare a --with b had made it with the same settings" r_ab.out
(cd r_c && find tables figures/data -type f | sort) > files_c
(cd r_ab && find tables figures/data -type f | sort) > files_ab
[ "$(wc -l < files_c)" -gt 10 ] || fail "report c" "too few files" files_c
diff files_ab files_c > diff.txt || fail "report a --with b" "other files than report c's" diff.txt
while read -r f; do
  cmp -s <(tail -n +2 "r_ab/$f") <(tail -n +2 "r_c/$f") \
    || fail "report a --with b" "$f differs from report c's apart from its first line"
  head -1 "r_ab/$f" | grep -q 'generated by lrlab report from a; comparison settings .*;claim=0\.9;with=b; do not edit' \
    || fail "report a --with b" "$f: its banner does not name the join"
done < files_ab
grep -q '"\.\./\.\./b/curves/[0-9a-f]*\.csv" .* title "cosine"' r_ab/figures/lr__quadratic.gp \
  || fail "report a --with b" "cosine's curves are not read from b" r_ab/figures/lr__quadratic.gp
grep -q '"\.\./\.\./a/curves/[0-9a-f]*\.csv" .* title "greedy"' r_ab/figures/lr__quadratic.gp \
  || fail "report a --with b" "greedy's curves are not read from a" r_ab/figures/lr__quadratic.gp
grep -q '24 from `a` (experiment `a`) and 12 from `b` (experiment `b`; 12 more skipped' \
  r_ab/report.md || fail "report a --with b" "report.md does not name the folders joined" r_ab/report.md
echo "ok: report a --with b writes report c's tables and figure data, banners apart"

# ---- 3. refusals: exit 2, one line, nothing written ----
snapshot() { find a -type f ! -name .lrlab.lock -printf '%p %s %T@\n' | sort; find a -type f ! -name .lrlab.lock -exec md5sum {} + | sort; }
snapshot > before
refuse() { # NAME WANT CMD...: CMD is refused with WANT, writes nothing
  local name=$1 want=$2 rc=0
  shift 2
  "$@" > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
  check_refusal "$name" "$rc" 2 "$want" "$*" || exit 1
  snapshot | cmp -s - before || fail "$name" "a's files changed: $*"
  [ ! -e rp ] || fail "$name" "report wrote its --paper folder: $*"
}
# b2: b with one value of a greedy cell (it is a's too) changed
cp -r b b2
read -r line id old < <(awk -F, 'NR > 1 && $5 == "greedy" && $8 == 100 && $14 == "ok" { print NR, $2, $10; exit }' b/runs.csv)
awk -F, -v OFS=, -v L="$line" 'NR == L { $10 = "0.123456" } { print }' b/runs.csv > b2/runs.csv
aline=$(awk -F, -v C="$id" '$2 == C && $8 == 100 { print NR; exit }' a/runs.csv)
want="lrlab: b2/runs.csv: line $line: cell $id: train_loss differs from a/runs.csv line $aline (expected the same rows for one cell in every folder, got \"0.123456\" here and \"$old\" there)"
refuse "changed value" "$want" "$bin" compare a --with b2
refuse "changed value (report)" "$want" "$bin" report a --with b2 --paper rp
# d: quadratic, sgd, greedy, seed 1 is another cell id than a's
did=$(awk -F, 'NR == 2 { print $2 }' d/runs.csv)
read -r aline aid < <(awk -F, '$3 == "quadratic" && $4 == "sgd" && $5 == "greedy" && $6 == 1 { print NR, $2; exit }' a/runs.csv)
want="lrlab: d/runs.csv: line 2: task quadratic, optimizer sgd, scheduler greedy, seed 1 is cell $did here and cell $aid in a/runs.csv line $aline (expected one cell id per label in every folder: the configurations differ under this label)"
refuse "label of another cell" "$want" "$bin" compare a --with d
refuse "label of another cell (report)" "$want" "$bin" report a --with d --paper rp
refuse "missing folder" "lrlab: compare: --with nosuch: no such folder (expected a result folder of lrlab run)" \
  "$bin" compare a --with b --with nosuch
refuse "missing folder (report)" "lrlab: report: --with nosuch: no such folder (expected a result folder of lrlab run)" \
  "$bin" report a --with nosuch --paper rp
refuse "no common task" "lrlab: compare: --with e: no task and optimizer in common with a (expected a folder of the same tasks and optimizers, to compare with)" \
  "$bin" compare a --with e
refuse "DIR itself" "lrlab: compare: --with ./a: the folder DIR itself (expected another result folder: DIR's runs are read anyway)" \
  "$bin" compare a --with ./a/
refuse "DIR itself (report)" "lrlab: report: --with a: the folder DIR itself (expected another result folder: DIR's runs are read anyway)" \
  "$bin" report a --with a --paper rp
refuse "twice" "lrlab: compare: --with ./b: the same folder as --with b (expected each folder once)" \
  "$bin" compare a --with b --with ./b
mkdir empty
refuse "not a result folder" "lrlab: compare: --with empty: not a result folder (expected runs.csv written by lrlab run, got no runs.csv)" \
  "$bin" compare a --with empty
refuse "not a result folder (report)" "lrlab: report: --with empty: not a result folder (expected plan.csv and runs.csv written by lrlab run, got neither)" \
  "$bin" report a --with empty --paper rp
cp -r b b3
rm b3/evals.csv
refuse "no evals.csv" "lrlab: b3: no evals.csv (expected one in every folder of the join, as a/evals.csv has)" \
  "$bin" compare a --with b3
refuse "with and arms" "lrlab: compare: c: unexpected argument (expected --with folders or --multiverse arms, not both)" \
  "$bin" compare a c --multiverse --with b
refuse "no value" "lrlab: compare: --with: missing value (expected a result folder, got nothing)" \
  "$bin" compare a --with
echo "ok: refusals (a changed value, a label of another cell id, a missing folder, no common task, DIR itself, twice, not a result folder, no evals.csv, arms, no value): exit 2, one line, nothing written"

# ---- 4. help ----
"$bin" compare --help > "$tmp/help.txt"; grep -q -- "--with OTHER" "$tmp/help.txt" || fail help "compare --help does not document --with"
"$bin" report --help > "$tmp/help.txt"; grep -q -- "--with OTHER" "$tmp/help.txt" || fail help "report --help does not document --with"
echo "ok: compare --help and report --help document --with"
