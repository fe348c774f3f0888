#!/usr/bin/env bash
# reuse.sh - `lrlab run --reuse DIR` takes cells by id and gives the bytes of training them.
#
# What: tests/e2e/tune_extend.lua (a tuning stage of six rounds and two evaluation cells) is
# run into REF; tests/e2e/tune_more.lua adds a scheduler (cosine) to it and is run twice, once
# training everything and once with --reuse REF:
#   1. the reused run trains only cosine's cells (the printed count) and its runs.csv,
#      evals.csv, curves.csv, plan.csv, tuning.csv and tuning-cells.csv are byte-identical;
#      reuse.csv names every cell taken and where from;
#   2. the same from REF packed into a store (scripts/pack.sh --store, per-cell folders
#      removed): identical files, curves.csv apart from the curves the store did not keep;
#      pack.sh --store gives the same store in a folder whose name holds a backslash, never
#      writes or reads through a link, and refuses ids that are not lrlab's;
#   3. a corrupt cell in the folder (an evaluation changed) is trained again, with a line
#      naming it, and the bytes are still the same; so is a cell whose stage value is not its
#      evaluation's (cell file or store row), and a store holding a cell's rows twice; a run
#      stopped by SIGINT after taking cells has them in reuse.csv, and resumed gives the bytes;
#   4. refused with one line and exit 2, nothing written: a folder made from other data (a
#      data file changed since, also in a folder that grew past 64 entries, whose record
#      became one digest, and in a folder of links to the data), by other implementation
#      versions (its provenance's versions line), of a newer results format, a cell file of
#      other columns, a link among a cell's files or for one of its folders (evals/), a
#      folder that does not exist or is no result folder, the output folder itself.
# Why: reuse is a cache keyed by the cell id; a key that maps to another result (other data,
# other code, a damaged file) must never be taken silently.
# usage: reuse.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
# the data folder is a private one: the test changes a file in it
mkdir -p "$tmp/data/extra"
echo "first" > "$tmp/data/extra/notes.txt"
export LRLAB_DATA=$tmp/data
base=tests/e2e/tune_extend.lua more=tests/e2e/tune_more.lua
"$bin" run $base --out "$tmp/ref" -j 2 --quiet > /dev/null
"$bin" run $more --out "$tmp/all" -j 2 --quiet > /dev/null
files="runs.csv evals.csv curves.csv plan.csv tuning.csv tuning-cells.csv"
same() { # DIR [SKIP]: DIR's files equal all's (SKIP: a file not compared)
  for f in $files; do
    [ "$f" = "${2:-}" ] && continue
    cmp -s "$tmp/all/$f" "$1/$f" || fail "$1/$f differs from a run that trained every cell"
  done
}
# cosine's cells: tuning rows of tuning-cells.csv plus its evaluation cells in plan.csv
ncos=$(( $(awk -F, '$6 == "cosine"' "$tmp/all/tuning-cells.csv" | wc -l) +
         $(awk -F, '$6 == "cosine"' "$tmp/all/plan.csv" | wc -l) ))
nbase=$(( $(tail -n +2 "$tmp/ref/tuning-cells.csv" | wc -l) + $(tail -n +2 "$tmp/ref/plan.csv" | wc -l) ))

# 1. from per-cell files
out=$("$bin" run $more --out "$tmp/r1" --reuse "$tmp/ref" -j 2 --quiet)
echo "$out" | grep -q "($ncos trained now, $nbase taken from --reuse, 0 already done" \
  || fail "per-cell reuse: expected $ncos trained and $nbase taken: $out"
same "$tmp/r1"
[ "$(tail -n +2 "$tmp/r1/reuse.csv" | wc -l)" -eq "$nbase" ] || fail "reuse.csv: $(cat "$tmp/r1/reuse.csv")"
grep -q "^reuse: $tmp/ref (the cells taken: reuse.csv)$" "$tmp/r1/provenance.txt" \
  || fail "provenance does not name the reused folder"
# a second run takes and trains nothing
out=$("$bin" run $more --out "$tmp/r1" --reuse "$tmp/ref" -j 2 --quiet)
echo "$out" | grep -q "(0 trained now, 0 taken from --reuse" || fail "rerun: $out"

# 2. from a packed store
cp -r "$tmp/ref" "$tmp/store"
bash scripts/pack.sh --store "$tmp/store" > /dev/null
# pack.sh --store: the same store from a folder whose name holds a backslash (awk -v read
# "\n" in it as a newline: no cell file was found and the store was empty); links in the
# folder are neither written through nor read through, and ids are what lrlab writes
cp -r "$tmp/ref" "$tmp/back\\nslash"
echo "mine" > "$tmp/mine"
ln -s "$tmp/mine" "$tmp/back\\nslash/tuning-timing.csv"
ln -s "$tmp/mine" "$tmp/back\\nslash/cells.csv"
bash scripts/pack.sh --store "$tmp/back\\nslash" > /dev/null
for f in cells.csv.gz tuning-evals.csv.gz tuning-timing.csv; do
  cmp -s "$tmp/store/$f" "$tmp/back\\nslash/$f" || fail "pack.sh --store in a folder named back\\nslash: $f differs"
done
[ "$(cat "$tmp/mine")" = mine ] || fail "pack.sh --store wrote through a link"
pack_refused() { # NAME WANT DIR: pack.sh --store DIR exits 2 with a line matching WANT
  local rc=0
  bash scripts/pack.sh --store "$3" > /dev/null 2> "$tmp/err" || rc=$?
  [ $rc -eq 2 ] && grep -qE "$2" "$tmp/err" || fail "pack.sh --store, $1: exit $rc: $(cat "$tmp/err")"
}
cp -r "$tmp/ref" "$tmp/plink"
pid1=$(awk -F, 'NR == 2 { print $2 }' "$tmp/ref/plan.csv")
rm "$tmp/plink/cells/$pid1.csv"
ln -s "$tmp/ref/cells/$pid1.csv" "$tmp/plink/cells/$pid1.csv"
pack_refused "a linked cell file" "^pack: $tmp/plink/cells/$pid1.csv: missing or a link" "$tmp/plink"
cp -r "$tmp/ref" "$tmp/pid"
sed -i "2s/,$pid1,/,..\/..\/x,/" "$tmp/pid/plan.csv"
pack_refused "an id not of lrlab" "^pack: $tmp/pid: cell '../../x' \(expected an id of 16 hex digits" "$tmp/pid"
rm -rf "$tmp/store/cells" "$tmp/store/evals" "$tmp/store/curves.csv"
rm "$tmp/store/curves/$(awk -F, 'NR == 2 { print $2 }' "$tmp/ref/plan.csv").csv" # one curve not kept
# a wall time longer than a line of the timing log holds is skipped (it was written with the
# stack bytes past the line)
echo "$(awk -F, 'NR == 2 { print $2 }' "$tmp/ref/plan.csv"),1e300" >> "$tmp/store/timing.csv"
out=$("$bin" run $more --out "$tmp/r2" --reuse "$tmp/store" -j 2 --quiet)
! LC_ALL=C grep -aq '[^0-9a-f,.]' <(tr -d '\n' < "$tmp/r2/cells/timing.log") \
  || fail "store reuse: timing.log holds other bytes: $(od -c "$tmp/r2/cells/timing.log" | head -n 20)"
echo "$out" | grep -q "($ncos trained now, $nbase taken from --reuse" || fail "store reuse: $out"
same "$tmp/r2" curves.csv
grep -q ',empty$' "$tmp/r2/reuse.csv" || fail "store reuse: no cell marked 'empty'"
# curves.csv: every cell whose curve was kept has its rows
nkept=$(grep -c ',kept$' "$tmp/r2/reuse.csv")
[ "$nkept" -eq $((nbase - 1)) ] || fail "store reuse: $nkept curves kept (expected $((nbase - 1)))"
# lrlab verify on that folder: the cell whose curve was not kept has no rows in curves.csv,
# which is no difference; every cell retrains to the same bytes
empty_id=$(awk -F, 'NR == FNR { if (FNR > 1) eval[$2] = 1; next } $3 == "empty" && ($1 in eval) { print $1; exit }' \
  "$tmp/r2/plan.csv" "$tmp/r2/reuse.csv")
[ -n "$empty_id" ] || fail "store reuse: no evaluation cell taken with an empty curve"
[ -s "$tmp/r2/curves.csv" ] && ! grep -q "^$empty_id," "$tmp/r2/curves.csv" || fail "curves.csv has rows of $empty_id"
(cd "$src" && "$bin" verify "$tmp/r2" --cells "$empty_id" > "$tmp/out") \
  || fail "verify of a cell taken with an empty curve: $(cat "$tmp/out")"
grep -q '^verified: 1 of 1 cells byte-identical' "$tmp/out" || fail "verify: $(tail -1 "$tmp/out")"

# 3. a corrupt cell is trained again
cp -r "$tmp/ref" "$tmp/bad"
id=$(awk -F, 'NR == 2 { print $2 }' "$tmp/ref/plan.csv")
sed -i '2s/^\([0-9]*\),/\1,9/' "$tmp/bad/evals/$id.csv"
"$bin" run $more --out "$tmp/r3" --reuse "$tmp/bad" -j 2 --quiet > "$tmp/out" 2> "$tmp/err"
grep -q "^lrlab: reuse: .*evals/$id.csv: missing or changed.*; cell $id not taken, trained again$" "$tmp/err" \
  || fail "corrupt cell: $(cat "$tmp/err")"
grep -q "($((ncos + 1)) trained now, $((nbase - 1)) taken" "$tmp/out" || fail "corrupt cell: $(cat "$tmp/out")"
same "$tmp/r3"

# 3b. stage rows carry no hash of their own: a stage value that is not its evaluation's (in a
# folder's cell file, in a store's cells.csv) and a store holding a cell's rows twice are
# trained again, not taken
cp -r "$tmp/ref" "$tmp/stage"
sed -i '4s/^\(100,100,1,\)[^,]*/\10.5/' "$tmp/stage/cells/$id.csv"
"$bin" run $more --out "$tmp/r3b" --reuse "$tmp/stage" -j 2 --quiet > "$tmp/out" 2> "$tmp/err"
grep -q "^lrlab: reuse: $tmp/stage/cells/$id.csv: stage row 3: train_loss \"0.5\" (expected \"[^\"]*\", its evaluation's at that step); cell $id not taken, trained again$" "$tmp/err" \
  || fail "changed stage value: $(cat "$tmp/err")"
grep -q "($((ncos + 1)) trained now, $((nbase - 1)) taken" "$tmp/out" || fail "changed stage value: $(cat "$tmp/out")"
same "$tmp/r3b"
cp -r "$tmp/store" "$tmp/store2"
gzip -d "$tmp/store2/cells.csv.gz"
tid=$(awk -F, 'NR == 2 { print $1 }' "$tmp/ref/tuning-cells.csv")
awk -F, -v OFS=, -v id="$id" '$1 == id && $4 == 100 { $7 = 0.5 } 1' "$tmp/store2/cells.csv" > "$tmp/cells.csv"
grep "^$tid," "$tmp/store2/cells.csv" >> "$tmp/cells.csv" # a second copy of a tuning cell
mv "$tmp/cells.csv" "$tmp/store2/cells.csv"
"$bin" run $more --out "$tmp/r3c" --reuse "$tmp/store2" -j 2 --quiet > "$tmp/out" 2> "$tmp/err"
grep -q "^lrlab: reuse: $tmp/store2/cells.csv: cell $id: stage row 3: train_loss \"0.5\" (expected" "$tmp/err" \
  || fail "store: changed stage value: $(cat "$tmp/err")"
grep -q "^lrlab: reuse: $tmp/store2/cells.csv: cell $tid: rows in more than one place" "$tmp/err" \
  || fail "store: a cell twice: $(cat "$tmp/err")"
grep -q "($((ncos + 2)) trained now, $((nbase - 2)) taken" "$tmp/out" || fail "store: changed rows: $(cat "$tmp/out")"
same "$tmp/r3c" curves.csv

# 3c. a run stopped by SIGINT after taking cells has recorded them in reuse.csv; resumed, it
# gives the same bytes and reuse.csv names every cell taken
hang=$(awk -F, '$2 == 1 && $6 == "cosine" { print $1; exit }' "$tmp/all/tuning-cells.csv")
n1=$(awk -F, 'NR > 1 && $2 == 1' "$tmp/ref/tuning-cells.csv" | wc -l)
LRLAB_FAULT_HANG=$hang "$bin" run $more --out "$tmp/r5" --reuse "$tmp/ref" -j 1 --quiet > /dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do
  [ "$(ls "$tmp/r5/cells" 2> /dev/null | grep -c '\.csv$')" -ge "$n1" ] && break
  sleep 0.1
done
sleep 0.5
kill -INT $pid
rc=0
wait $pid || rc=$?
[ $rc -eq 130 ] || fail "SIGINT: exit $rc (expected 130)"
[ "$(tail -n +2 "$tmp/r5/reuse.csv" | wc -l)" -eq "$n1" ] || fail "SIGINT: reuse.csv: $(cat "$tmp/r5/reuse.csv" 2>&1)"
"$bin" run $more --out "$tmp/r5" --reuse "$tmp/ref" -j 2 --quiet > /dev/null
same "$tmp/r5"
[ "$(tail -n +2 "$tmp/r5/reuse.csv" | wc -l)" -eq "$nbase" ] || fail "resumed: reuse.csv: $(cat "$tmp/r5/reuse.csv")"

# 4. refusals: exit 2, one line, nothing written
refuse() { # NAME WANT_REGEX ARGS...: exit 2, a line matching WANT, no output folder
  local name=$1 want=$2 rc=0
  shift 2
  rm -rf "$tmp/no"
  "$bin" run $more --out "$tmp/no" "$@" -j 2 --quiet > "$tmp/out" 2> "$tmp/err" || rc=$?
  [ $rc -eq 2 ] || fail "$name: exit $rc (expected 2): $(cat "$tmp/err")"
  grep -qE "$want" <(head -n 1 "$tmp/err") || fail "$name: $(head -n 1 "$tmp/err") (expected /$want/)"
  [ "$(grep -vc '^hint: ' "$tmp/err")" -eq 1 ] || fail "$name: more than one line: $(cat "$tmp/err")"
  [ ! -e "$tmp/no" ] || fail "$name: the output folder was written"
}
echo "second" > "$tmp/data/extra/notes.txt" # the data changed since REF was made
refuse "other data" "^lrlab: --reuse: $tmp/ref: cell [0-9a-f]{16} \(quadratic sgd [a-z]+ seed 100 lr [0-9.e-]+\) was made from other data: extra/notes.txt sha256 [0-9a-f]{12}\.\.\. when $tmp/ref was made, [0-9a-f]{12}\.\.\. now" --reuse "$tmp/ref"
refuse "other data, store" "was made from other data: extra/notes.txt" --reuse "$tmp/store"
echo "first" > "$tmp/data/extra/notes.txt"
# a data folder of 64 entries is recorded file by file, of 65 by its digest: one that grew
# past 64 with a file changed is still other data
mkdir "$tmp/data/many"
for i in $(seq 10 73); do echo "$i" > "$tmp/data/many/f$i"; done
"$bin" run $base --out "$tmp/ref64" -j 2 --quiet > /dev/null
echo "changed" > "$tmp/data/many/f10"
echo "new" > "$tmp/data/many/f74"
refuse "other data, 65 entries" "was made from other data: many/f10 sha256 [0-9a-f]{12}\.\.\. when $tmp/ref64 was made" --reuse "$tmp/ref64"
# a data folder of links to the files (followed when read) is hashed through them
rm -r "$tmp/data/many"
mkdir "$tmp/data/many" "$tmp/files"
for i in $(seq 10 80); do echo "$i" > "$tmp/files/f$i"; ln -s "$tmp/files/f$i" "$tmp/data/many/f$i"; done
"$bin" run $base --out "$tmp/reflink" -j 2 --quiet > /dev/null
grep -q "^data: many/ sha256 [0-9a-f]* (71 entries, 71 files)$" "$tmp/reflink/provenance.txt" \
  || fail "a data folder of links: $(grep '^data: many' "$tmp/reflink/provenance.txt")"
echo "changed" > "$tmp/files/f10"
refuse "other data, links" "was made from other data: many/ sha256" --reuse "$tmp/reflink"
rm -r "$tmp/data/many"
cp -r "$tmp/ref" "$tmp/newer"
sed -i 's/^results_format: .*/results_format: 9/' "$tmp/newer/provenance.txt"
refuse "newer format" "^lrlab: --reuse: $tmp/newer/provenance.txt: results_format: 9 \(expected 1 or lower" --reuse "$tmp/newer"
cp -r "$tmp/ref" "$tmp/ver"
sed -i 's/^\(versions: .*scheduler.*\)constant 1/\1constant 2/' "$tmp/ver/provenance.txt"
grep -q 'constant 2' "$tmp/ver/provenance.txt" || fail "could not edit the versions line"
refuse "other version" "^lrlab: --reuse: $tmp/ver: cell [0-9a-f]{16} \(quadratic sgd constant seed 100 lr [0-9.e-]+\) was made by another implementation: scheduler constant version 2 there, 1 here" --reuse "$tmp/ver"
cp -r "$tmp/ref" "$tmp/cols"
for f in "$tmp/cols"/cells/*.csv; do sed -i '1s/^stage,/stage,extra_column,/' "$f"; done
refuse "other columns" "^lrlab: $tmp/cols: cell [0-9a-f]{16}: columns \"stage,extra_column," --reuse "$tmp/cols"
cp -r "$tmp/ref" "$tmp/link"
rm "$tmp/link/evals/$id.csv"
ln -s /etc/hostname "$tmp/link/evals/$id.csv"
# the link's cell is not the first one looked up: earlier cells may be taken before it is met,
# so this refusal may write the folder; the rule checked is exit 2 and the message
rc=0
"$bin" run $more --out "$tmp/lk" --reuse "$tmp/link" -j 2 --quiet > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] || fail "link: exit $rc: $(cat "$tmp/err")"
grep -q "^lrlab: $tmp/link/evals/$id.csv: a symbolic link (expected a cell's result file; reuse never follows a link)$" "$tmp/err" \
  || fail "link: $(cat "$tmp/err")"
cp -r "$tmp/ref" "$tmp/linkdir"
mv "$tmp/linkdir/evals" "$tmp/evals-elsewhere"
ln -s "$tmp/evals-elsewhere" "$tmp/linkdir/evals"
refuse "linked folder" "^lrlab: --reuse: $tmp/linkdir/evals: a symbolic link \(expected a folder of cell results; reuse never follows a link\)$" --reuse "$tmp/linkdir"
refuse "missing folder" "^lrlab: --reuse: $tmp/nosuch: no such folder" --reuse "$tmp/nosuch"
mkdir "$tmp/empty"
refuse "not a result folder" "^lrlab: --reuse: $tmp/empty: not a result folder" --reuse "$tmp/empty"
rc=0
"$bin" run $more --out "$tmp/r1" --reuse "$tmp/r1" -j 2 --quiet > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "the output folder itself" "$tmp/err" || fail "self: exit $rc: $(cat "$tmp/err")"
rc=0
"$bin" run $more --out "$tmp/no" --reuse > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "^lrlab: run: --reuse: missing value" "$tmp/err" || fail "no value: $(cat "$tmp/err")"
echo "reuse: ok ($ncos trained, $nbase taken; store, corrupt cells and 13 refusals checked)"
