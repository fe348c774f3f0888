#!/usr/bin/env bash
# pack_cli.sh - lrlab pack and lrlab run --pack (harness/engine/pack.h): a finished folder
# packed into a store and gzip files of one member per cell loses nothing that report,
# compare, verify and reuse read, resumes from its store, and damage or links in it are
# refused or retrained with one line, never taken.
# usage: pack_cli.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same_digest() { # DIR WANT WHAT: DIR's digest is WANT, else the files that differ
  local got; got=$(digest "$1")
  [ "$got" = "$2" ] || fail "$3: $(diff <(echo "$2") <(echo "$got") | grep '^[<>]' | head -6 | tr '\n' ' ')"
}
export LRLAB_DATA=${LRLAB_DATA:-$src/data} OPENBLAS_NUM_THREADS=1
script=tests/e2e/tune.lua # a tuning stage (8 cells) and 8 evaluation cells, seeds 1 and 2

# members FILE: one line per gzip member: its decoded bytes' first field of the first line
# (the header member: "header") and the number of lines
members() {
  python3 - "$1" <<'PY'
import sys, zlib
data = open(sys.argv[1], "rb").read()
while data:
    d = zlib.decompressobj(31)
    text = d.decompress(data) + d.flush()
    if not d.eof:
        sys.exit("truncated member")
    data = d.unused_data
    lines = text.decode().splitlines()
    first = lines[0].split(",")[0] if lines else ""
    print("header" if first == "cell" else first, len(lines))
PY
}
# edit_member FILE ID OLD NEW: re-encodes the member of cell ID with OLD replaced by NEW
edit_member() {
  python3 - "$@" <<'PY'
import sys, zlib, gzip
path, cid, old, new = sys.argv[1:5]
data = open(path, "rb").read(); out = b""
while data:
    d = zlib.decompressobj(31)
    text = d.decompress(data) + d.flush()
    member = data[:len(data) - len(d.unused_data)]
    data = d.unused_data
    if text.startswith(cid.encode() + b","):
        text2 = text.replace(old.encode(), new.encode(), 1)
        assert text2 != text, "nothing replaced"
        member = gzip.compress(text2, mtime=0)
    out += member
open(path, "wb").write(out)
PY
}
# the files of a folder with their bytes, timing and provenance aside (wall seconds, command)
digest() { (cd "$1" && find . -type f ! -name provenance.txt ! -name .lrlab.lock ! -name '*.png' ! -name '*.gp' ! -name '*timing*' | sort | xargs sha256sum); }
times() { cat "$1/timing.csv" "$1/tuning-timing.csv"; } # a packed folder's wall seconds
# the results alone, for folders trained apart (seconds_to_target in tests.csv follows the
# wall seconds)
data() { (cd "$1" && sha256sum cells.csv.gz curves.csv.gz evals.csv.gz tuning-curves.csv.gz \
  tuning-evals.csv.gz runs.csv plan.csv tuning.csv tuning-cells.csv tasks.csv curves/*); }

"$bin" run $script --out "$tmp/a" -j 2 --quiet > /dev/null
cp -r "$tmp/a" "$tmp/b"

# 1. lrlab pack: the files, their bytes, the first seed's curves, the space
out=$("$bin" pack "$tmp/b")
echo "$out" | grep -Eq "^pack: $tmp/b: 8 evaluation and 8 tuning cells packed; [0-9.]+ MB on disk before, [0-9.]+ MB after$" \
  || fail "pack's line: $out"
for f in cells.csv.gz curves.csv.gz evals.csv.gz tuning-curves.csv.gz tuning-evals.csv.gz tuning-timing.csv runs.csv timing.csv plan.csv tuning.csv tuning-cells.csv; do
  [ -f "$tmp/b/$f" ] || fail "packed folder lacks $f: $(ls "$tmp/b")"
done
for f in cells evals curves.csv evals.csv; do [ ! -e "$tmp/b/$f" ] || fail "packed folder still has $f"; done
cmp -s <(gzip -dc "$tmp/b/curves.csv.gz") "$tmp/a/curves.csv" || fail "curves.csv.gz does not decode to curves.csv"
cmp -s <(gzip -dc "$tmp/b/evals.csv.gz") "$tmp/a/evals.csv" || fail "evals.csv.gz does not decode to evals.csv"
for f in runs.csv timing.csv comparisons.csv; do cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "pack changed $f"; done
first=$(awk -F, 'NR == 2 { print $7 }' "$tmp/a/plan.csv")
want=$(awk -F, -v s="$first" 'NR > 1 && $7 == s { print $2 }' "$tmp/a/plan.csv" | sort)
[ "$(ls "$tmp/b/curves" | sed 's/\.csv$//' | sort)" = "$want" ] || fail "curves/ keeps $(ls "$tmp/b/curves") (expected seed $first's cells)"
for id in $want; do cmp -s "$tmp/a/curves/$id.csv" "$tmp/b/curves/$id.csv" || fail "curves/$id.csv changed"; done
# one member per cell, in plan order (and tuning-cells.csv order), after the header
[ "$(members "$tmp/b/curves.csv.gz" | cut -d' ' -f1 | tr '\n' ' ')" = "header $(awk -F, 'NR > 1 { printf "%s ", $2 }' "$tmp/a/plan.csv")" ] \
  || fail "curves.csv.gz members: $(members "$tmp/b/curves.csv.gz" | tr '\n' ' ')"
[ "$(members "$tmp/b/tuning-curves.csv.gz" | cut -d' ' -f1 | tr '\n' ' ')" = "header $(awk -F, 'NR > 1 { printf "%s ", $1 }' "$tmp/a/tuning-cells.csv")" ] \
  || fail "tuning-curves.csv.gz members: $(members "$tmp/b/tuning-curves.csv.gz" | tr '\n' ' ')"
# every tuning cell's curve is there, row for row
while IFS=, read -r id _; do
  [ "$(gzip -dc "$tmp/b/tuning-curves.csv.gz" | grep "^$id," | cut -d, -f6-)" = "$(tail -n +2 "$tmp/a/curves/$id.csv")" ] \
    || fail "tuning cell $id: its curve is not in tuning-curves.csv.gz"
done < <(tail -n +2 "$tmp/a/tuning-cells.csv")
# the store is the one scripts/pack.sh --store writes (which commits results)
cp -r "$tmp/a" "$tmp/sh"
bash scripts/pack.sh --store "$tmp/sh" > /dev/null
for f in cells.csv tuning-evals.csv; do
  cmp -s <(gzip -dc "$tmp/sh/$f.gz") <(gzip -dc "$tmp/b/$f.gz") || fail "$f differs from scripts/pack.sh --store's"
done
cmp -s "$tmp/sh/tuning-timing.csv" "$tmp/b/tuning-timing.csv" || fail "tuning-timing.csv differs from scripts/pack.sh --store's"
[ "$(du -sk "$tmp/b" | cut -f1)" -lt "$(du -sk "$tmp/a" | cut -f1)" ] || fail "the packed folder is not smaller"
# packing twice changes nothing
before=$(digest "$tmp/b")
out=$("$bin" pack "$tmp/b")
[ "$out" = "pack: $tmp/b: already packed" ] || fail "second pack: $out"
same_digest "$tmp/b" "$before" "a second pack changed the folder"
echo "ok: pack writes the store and one member per cell, decoding to the same bytes"

# 2. report, compare and verify read the packed folder as the plain one
# (each folder and its paper in a parent of its own: the paths the figures name are alike)
mkdir "$tmp/x" "$tmp/y" && cp -r "$tmp/a" "$tmp/x/r" && cp -r "$tmp/b" "$tmp/y/r"
for p in x y; do "$bin" report "$tmp/$p/r" --paper "$tmp/$p/p" > /dev/null; done
[ "$(cd "$tmp/x/p" && find . -type f | sort)" = "$(cd "$tmp/y/p" && find . -type f | sort)" ] || fail "report: other files"
while read -r f; do
  cmp -s <(sed "s|$tmp/x/|D/|g" "$tmp/x/p/$f") <(sed "s|$tmp/y/|D/|g" "$tmp/y/p/$f") || fail "report of the packed folder: $f differs"
done < <(cd "$tmp/x/p" && find . -type f)
cp -r "$tmp/b" "$tmp/bc"
"$bin" compare "$tmp/bc" --tie paper > /dev/null
cp -r "$tmp/a" "$tmp/ac"
"$bin" compare "$tmp/ac" --tie paper > /dev/null
for f in comparisons tests verdict profiles ranks; do cmp -s "$tmp/ac/$f.csv" "$tmp/bc/$f.csv" || fail "compare: $f.csv differs"; done
out=$("$bin" verify "$tmp/b" --sample 100 2>&1) || fail "verify of the packed folder: $out"
echo "$out" | grep -q "^verified: 16 of 16 cells byte-identical" || fail "verify: $out"
# verify compares the curve it takes from the member: a changed point is found
cp -r "$tmp/b" "$tmp/bv"
id=$(awk -F, -v s="$first" 'NR > 1 && $7 != s { print $2; exit }' "$tmp/a/plan.csv")
row=$(grep "^$id," "$tmp/a/curves.csv" | sed -n 3p)
edit_member "$tmp/bv/curves.csv.gz" "$id" "$row" "${row%,*},123.5"
out=$("$bin" verify "$tmp/bv" --cells "$id" 2>&1) && fail "verify took a changed curve: $out"
echo "$out" | grep -q "curves: 1 of [0-9]* rows differ" || fail "verify of a changed member: $out"
echo "ok: report, compare and verify read the packed folder"

# 3. run --reuse from the packed folder: every cell back, its curve from the member
out=$("$bin" run $script --out "$tmp/c" --reuse "$tmp/b" -j 2 --quiet)
echo "$out" | grep -q "(0 trained now, 16 taken from --reuse" || fail "reuse from the packed folder: $out"
for d in cells curves evals; do
  diff -r -x timing.log "$tmp/a/$d" "$tmp/c/$d" > /dev/null || fail "reuse from the packed folder: $d/ differs"
done
for f in runs.csv curves.csv evals.csv tuning.csv; do cmp -s "$tmp/a/$f" "$tmp/c/$f" || fail "reuse: $f differs"; done
[ "$(tail -n +2 "$tmp/c/reuse.csv" | cut -d, -f3 | sort -u)" = kept ] || fail "reuse.csv: $(cat "$tmp/c/reuse.csv")"

# 4. a packed folder as --out resumes from its store (nothing trained) and is packed again
before=$(digest "$tmp/b") before_times=$(times "$tmp/b")
out=$("$bin" run $script --out "$tmp/b" -j 2 --quiet)
echo "$out" | grep -q "(0 trained now, 16 already done" || fail "resume of a packed folder: $out"
same_digest "$tmp/b" "$before" "resume of a packed folder changed its files"
[ "$(times "$tmp/b")" = "$before_times" ] || fail "resume of a packed folder changed its wall seconds"
# --pack on a fresh folder gives the same packed files
"$bin" run $script --out "$tmp/d" --pack -j 2 --quiet > /dev/null
[ "$(data "$tmp/d")" = "$(data "$tmp/b")" ] || fail "run --pack differs from run then pack"
# a pack cut short (the store written, some cells' files already gone) is finished by a run
cp -r "$tmp/a" "$tmp/e"
for f in cells.csv.gz curves.csv.gz evals.csv.gz tuning-curves.csv.gz tuning-evals.csv.gz tuning-timing.csv; do cp "$tmp/b/$f" "$tmp/e/"; done
for id in $(awk -F, 'NR > 1 && NR < 5 { print $2 }' "$tmp/a/plan.csv") $(awk -F, 'NR == 2 { print $1 }' "$tmp/a/tuning-cells.csv"); do
  rm "$tmp/e/cells/$id.csv" "$tmp/e/evals/$id.csv" "$tmp/e/curves/$id.csv"
done
out=$("$bin" run $script --out "$tmp/e" -j 2 --quiet)
echo "$out" | grep -q "(0 trained now, 16 already done" || fail "resume of a half-packed folder: $out"
same_digest "$tmp/e" "$before" "a half-packed folder, resumed, differs"
# --fresh on a packed folder trains everything again and packs it again, same bytes
out=$("$bin" run $script --out "$tmp/d" --fresh -j 2 --quiet)
echo "$out" | grep -q "(16 trained now, 0 already done" || fail "--fresh on a packed folder: $out"
[ "$(data "$tmp/d")" = "$(data "$tmp/b")" ] || fail "--fresh on a packed folder differs"
echo "ok: a packed folder resumes from its store, and run --pack packs"

# 5. refused: one line, exit 2, nothing written
refused() { # NAME WANT CMD...: exit 2, one line on stderr matching WANT, nothing on stdout
  local name=$1 want=$2; shift 2
  set +e
  "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$name: exit $rc (expected 2): $(cat "$tmp/err")"
  [ "$(grep -vc '^hint: ' "$tmp/err")" -eq 1 ] || fail "$name: expected one line (and a hint): $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "$name: printed $(cat "$tmp/out")"
  grep -Eq -e "$want" "$tmp/err" || fail "$name: expected /$want/: $(cat "$tmp/err")"
}
# an incomplete folder: nothing made, nothing removed
cp -r "$tmp/a" "$tmp/f"
id=$(awk -F, 'NR == 3 { print $2 }' "$tmp/a/plan.csv")
rm "$tmp/f/cells/$id.csv"
before=$(digest "$tmp/f")
refused incomplete "evaluation cell $id is not complete .*expected a folder whose run has finished" "$bin" pack "$tmp/f"
same_digest "$tmp/f" "$before" "a refused pack changed the folder"
cp -r "$tmp/a" "$tmp/f2"
id=$(awk -F, 'NR == 3 { print $1 }' "$tmp/a/tuning-cells.csv")
printf 'x' >> "$tmp/f2/evals/$id.csv"
refused tuning-damaged "tuning cell $id is not complete" "$bin" pack "$tmp/f2"
# a merged file edited after the run
cp -r "$tmp/a" "$tmp/g"
sed -i '5s/,[^,]*$/,9.99/' "$tmp/g/curves.csv"
before=$(digest "$tmp/g")
refused edited "curves.csv: not the merge of the cells' files" "$bin" pack "$tmp/g"
same_digest "$tmp/g" "$before" "a refused pack left files"
# links: the folder's subfolders, and a store's curves for reuse
cp -r "$tmp/a" "$tmp/h"
mv "$tmp/h/evals" "$tmp/h-evals" && ln -s "$tmp/h-evals" "$tmp/h/evals"
refused link-sub "symbolic link" "$bin" pack "$tmp/h"
cp -r "$tmp/b" "$tmp/i"
mv "$tmp/i/curves.csv.gz" "$tmp/i-curves.gz" && ln -s "$tmp/i-curves.gz" "$tmp/i/curves.csv.gz"
refused link-store "curves.csv.gz: a symbolic link \(expected a file of lrlab pack" \
  "$bin" run $script --out "$tmp/j" --reuse "$tmp/i" -j 2 --quiet
[ ! -e "$tmp/j/runs.csv" ] || fail "a refused reuse wrote results"
refused no-folder "no cells/ folder and no store" "$bin" pack "$tmp/h-evals"
refused two "one folder at a time" "$bin" pack "$tmp/a" "$tmp/b"
refused shard "--pack: the folder of a whole run only" "$bin" run $script --out "$tmp/k" --shard 1/2 --pack
refused phase "--pack: the folder of a whole run only" "$bin" run $script --out "$tmp/k" --phase tune --pack
echo "ok: incomplete, edited and linked folders refused"

# 6. a damaged store is never taken: each cell whose curve it holds is trained again, with a line
damaged() { # NAME EDIT...: the packed folder's curves.csv.gz edited by EDIT, then reused
  local name=$1; shift
  rm -rf "$tmp/m" "$tmp/n"
  cp -r "$tmp/b" "$tmp/m"
  "$@"
  "$bin" run $script --out "$tmp/n" --reuse "$tmp/m" -j 2 --quiet > "$tmp/out" 2> "$tmp/err" \
    || fail "$name: exit $?: $(cat "$tmp/err")"
  for f in runs.csv curves.csv evals.csv; do cmp -s "$tmp/a/$f" "$tmp/n/$f" || fail "$name: $f differs"; done
}
# a changed point: that cell alone
id=$(awk -F, -v s="$first" 'NR > 1 && $7 != s { print $2; exit }' "$tmp/a/plan.csv")
row=$(grep "^$id," "$tmp/a/curves.csv" | sed -n 2p)
damaged changed-point edit_member "$tmp/m/curves.csv.gz" "$id" "$row" "${row%,*},7.25"
grep -q "reuse: .*curves.csv.gz: cell $id: curve changed .*cell $id not taken, trained again" "$tmp/err" \
  || fail "changed point: $(cat "$tmp/err")"
[ "$(grep -c "trained again" "$tmp/err")" -eq 1 ] || fail "changed point: more than its cell retrained: $(cat "$tmp/err")"
# a byte flipped inside the compressed data, bytes after the end, a member twice, a bad header
flip() { python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0x55; open(p,'wb').write(b)" "$1"; }
n_other=$(awk -F, -v s="$first" 'NR > 1 && $7 != s' "$tmp/a/plan.csv" | wc -l)
damaged flipped flip "$tmp/m/curves.csv.gz"
[ "$(grep -c "curves.csv.gz: member at byte [0-9]*: gzip stream: .*trained again" "$tmp/err")" -eq "$n_other" ] \
  || fail "flipped byte: expected $n_other cells retrained: $(cat "$tmp/err")"
damaged trailing sh -c "printf 'junk' >> '$tmp/m/curves.csv.gz'"
grep -q "4 bytes after the last member at byte" "$tmp/err" || fail "trailing bytes: $(cat "$tmp/err")"
twice() { python3 - "$1" <<'PY'
import sys, zlib
p = sys.argv[1]; data = open(p, "rb").read(); d = zlib.decompressobj(31); d.decompress(data)
rest = d.unused_data; d2 = zlib.decompressobj(31); d2.decompress(rest)
second = rest[:len(rest) - len(d2.unused_data)]
open(p, "ab").write(second)
PY
}
damaged twice twice "$tmp/m/curves.csv.gz"
grep -q "in two members" "$tmp/err" || fail "a member twice: $(cat "$tmp/err")"
noheader() { python3 - "$1" <<'PY'
import sys, zlib
p = sys.argv[1]; data = open(p, "rb").read(); d = zlib.decompressobj(31); d.decompress(data)
open(p, "wb").write(d.unused_data)
PY
}
damaged noheader noheader "$tmp/m/curves.csv.gz"
grep -q "first member: not the header" "$tmp/err" || fail "no header member: $(cat "$tmp/err")"
# verify of a damaged store: refused with the member named
cp -r "$tmp/b" "$tmp/o"
flip "$tmp/o/curves.csv.gz"
refused verify-damaged "curves.csv.gz: member at byte [0-9]+: gzip stream" "$bin" verify "$tmp/o" --sample 2
echo "ok: a damaged store is refused or its cells trained again, each with a line"
