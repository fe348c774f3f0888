#!/usr/bin/env bash
# makespan.sh - scripts/makespan.py's simulated makespans against hand-computed values and
# against properties of a folder lrlab trains.
#
# What:
#   1. tests/fixtures/makespan/ (8 tuning cells in three rounds, 5 evaluation cells, seconds in
#      timing.csv and tuning-timing.csv) against these values, computed by hand:
#        round 1 (index: s)  0: 3  1: 1  2: 4  3: 2        T1 = 10
#        round 2 in order    2, 2, 5;  round 3: 1          later rounds 10 on one core
#        evaluation (plan index: s)  0: 6  1: 1  2: 2  3: 3  4: 1      Te = 13; total 33
#        longest tuning cell 5 (round 2), longest evaluation cell 6: critical path 11
#      W = 1:  (a) 20 + 13 = 33;  (b) 10 + 10 + 13 = 33;  (c) max(33, 11) = 33
#      W = 2:  tuning shards {0,2} 7, {1,3} 3; evaluation shards {0,2,4} 9, {1,3} 4
#              (a) 20 + 9 = 29;  (b) 7 + 10 + 9 = 26;  (c) max(16.5, 11) = 16.5;
#              max/mean: tuning 7 / 5 = 1.4, evaluation 9 / 6.5 = 1.384615
#      W = 3:  tuning {0,3} 5, {1} 1, {2} 4; evaluation {0,3} 9, {1,4} 2, {2} 2
#              (a) 29;  (b) 5 + 10 + 9 = 24;  (c) max(11, 11) = 11
#      W = 10: (a) 20 + 6 = 26;  (b) 4 + 10 + 6 = 20;  (c) 11
#      --join-cores 2: round 2 on two cores in order: 2 | 2, then 5 on the first free core at
#              2: ends at 7 (not 5: cells are taken in order); round 3: 1; join 8:
#              W = 1: (b) 10 + 8 + 13 = 31, (c) max(23 / 1 + 10 / 2, 11) = 28;
#              W = 10: (b) 4 + 8 + 6 = 18, (c) 11
#      --overhead 0.5, W = 2: (a) 29 + 0.5 = 29.5, (b) 26 + 3 x 0.5 = 27.5
#      The same numbers from the packed forms (FILE.gz, parts FILE.K-N.gz of scripts/pack.sh).
#   2. A folder lrlab trains (the six tuning rounds of tests/e2e/tune_extend.lua on a rotated
#      400-dimensional quadratic, so that a cell takes about 0.1 s instead of under the
#      millisecond the log resolves), for W in 1..7, 10, 16, 17, 100, 1000 and join cores 1
#      and 2: (a) and (b) at W = 1 are the total of the cells' seconds (the last line of an id
#      in cells/timing.log) within rounding; (b) <= (a); (b) >= (c); with W above the cell
#      count, (b) is the longest round-1 cell + the later rounds' seconds + the longest
#      evaluation cell; a line appended to cells/timing.log wins over the earlier one; the
#      folder packed by scripts/pack.sh --store, without cells/timing.log, gives the same rows.
#   3. Bad input: one line on stderr, exit code 2, nothing on stdout.
# Why: the scaling numbers in README.md ("How far it scales") come from this model.
# usage: makespan.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
ms() { python3 "$src/scripts/makespan.py" "$@"; }
# row W COLUMN FILE: a column of --csv output for W workers
row() { awk -F, -v w="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
                                     $1 == w { print $k[c] }' "$3"; }
near() { awk -v a="$1" -v b="$2" -v e="${3:-0.000001}" 'BEGIN { d = a - b; exit !(d <= e && -d <= e) }'; }
expect() { # FILE W COLUMN VALUE WHAT
  local got; got=$(row "$2" "$3" "$1")
  near "${got:-nan}" "$4" || fail "$5: W = $2: $3 = ${got:-none} (expected $4)"
}

# 1. the hand-computed fixture, plain and packed
fx=tests/fixtures/makespan
check_fixture() { # DIR WHAT
  local dir=$1 what=$2
  ms "$dir" 1 2 3 10 --csv > "$tmp/f.csv"
  for spec in "1 old 33" "1 two_phase 33" "1 bound 33" "2 old 29" "2 two_phase 26" "2 bound 16.5" \
              "2 tune 7" "2 join 10" "2 eval 9" "2 tune_imbalance 1.4" "2 eval_imbalance 1.384615" \
              "3 old 29" "3 two_phase 24" "3 bound 11" "10 old 26" "10 two_phase 20" "10 bound 11"; do
    set -- $spec
    expect "$tmp/f.csv" "$1" "$2" "$3" "$what"
  done
  ms "$dir" 1 10 --csv --join-cores 2 > "$tmp/f.csv"
  for spec in "1 join 8" "1 two_phase 31" "1 bound 28" "1 old 33" "10 two_phase 18" "10 bound 11"; do
    set -- $spec
    expect "$tmp/f.csv" "$1" "$2" "$3" "$what --join-cores 2"
  done
  ms "$dir" 2 --csv --overhead 0.5 > "$tmp/f.csv"
  expect "$tmp/f.csv" 2 old 29.5 "$what --overhead 0.5"
  expect "$tmp/f.csv" 2 two_phase 27.5 "$what --overhead 0.5"
}
check_fixture "$fx" fixture
ms "$fx" 1 2 3 10 > "$tmp/text"
grep -q "^  tuning: *20.0 CPU s (round 1: 10.0, rounds 2 and on: 10.0); longest cell 5.000 s, a000000000000007 (toy/sgd/greedy, lr 1, round 2)$" "$tmp/text" \
  || fail "fixture: the tuning totals: $(cat "$tmp/text")"
grep -q "^| 2 | 29.0 s | 26.0 s | 7.00 s + 10.0 s + 9.00 s | 16.5 s | 1.3 | 63.5% | 1.40 | 1.38 |$" "$tmp/text" \
  || fail "fixture: the table's W = 2 row: $(cat "$tmp/text")"
pk=$tmp/packed
cp -r "$fx" "$pk"
gzip -n "$pk/plan.csv" "$pk/timing.csv"
head -n 4 "$pk/tuning-timing.csv" | gzip -n > "$pk/tuning-timing.csv.1-2.gz"
tail -n +5 "$pk/tuning-timing.csv" | gzip -n > "$pk/tuning-timing.csv.2-2.gz"
rm "$pk/tuning-timing.csv"
check_fixture "$pk" packed

# 2. a folder lrlab trains
sed 's/dim = 10, condition = 10, noise = "none", rotate = false/dim = 400, condition = 10, noise = "none", rotate = true/; s/steps = 100,/steps = 300,/' \
  tests/e2e/tune_extend.lua > "$tmp/extend.lua"
grep -q 'dim = 400' "$tmp/extend.lua" || fail "tests/e2e/tune_extend.lua changed: the 400-dimensional copy was not made"
out=$tmp/run
"$bin" run "$tmp/extend.lua" --out "$out" -j 2 --quiet > /dev/null
[ "$(awk -F, 'NR > 1 { print $2 }' "$out/tuning-cells.csv" | sort -u | tail -n 1)" -ge 3 ] \
  || fail "the folder has fewer than three tuning rounds"
# FOLDER: total, longest round-1 cell, later rounds' sum, longest evaluation cell, cells
facts() {
  awk -F, 'FILENAME ~ /timing.log$/ { s[$1] = $2; next }
           FNR == 1 { next }
           FILENAME ~ /tuning-cells.csv$/ { t = s[$1]; tot += t; n++
                                           if ($2 == 1) { if (t > r1) r1 = t } else later += t; next }
           { t = s[$2]; tot += t; n++; if (t > ev) ev = t }
           END { printf "%.6f %.6f %.6f %.6f %d\n", tot, r1, later, ev, n }' \
    "$1/cells/timing.log" "$1/tuning-cells.csv" "$1/plan.csv"
}
check_run() { # FOLDER WHAT
  read -r total r1 later ev n < <(facts "$1")
  near "$total" 0 0.05 && fail "$2: the cells' seconds sum to $total (expected measured times)"
  ms "$1" 1 2 3 4 5 6 7 10 16 17 100 1000 --csv > "$tmp/r.csv"
  ms "$1" 1 2 3 4 5 6 7 10 16 17 100 1000 --csv --join-cores 2 > "$tmp/r2.csv"
  expect "$tmp/r.csv" 1 old "$total" "$2"
  expect "$tmp/r.csv" 1 two_phase "$total" "$2"
  for f in "$tmp/r.csv" "$tmp/r2.csv"; do
    awk -F, -v what="$2: $(basename "$f")" 'NR > 1 {
        if ($3 > $2 + 1e-9) { print "FAIL: " what ": W = " $1 ": two-phase " $3 " > old flow " $2; bad = 1 }
        if ($3 < $4 - 1e-9) { print "FAIL: " what ": W = " $1 ": two-phase " $3 " < bound " $4; bad = 1 } }
        END { exit bad }' "$f" >&2 || exit 1
  done
  for w in 17 100 1000; do
    [ "$w" -gt "$n" ] || fail "$2: W = $w is not above the $n cells"
    expect "$tmp/r.csv" "$w" two_phase "$(awk -v a="$r1" -v b="$later" -v c="$ev" 'BEGIN { printf "%.6f", a + b + c }')" "$2"
  done
}
check_run "$out" "lrlab folder"
# the last line of an id in cells/timing.log wins
cp -r "$out" "$tmp/log"
first=$(awk -F, 'NR == 2 { print $2 }' "$tmp/log/plan.csv")
echo "$first,100.000" >> "$tmp/log/cells/timing.log"
check_run "$tmp/log" "a later log line"
expect "$tmp/r.csv" 1000 eval 100 "a later log line"
# packed by scripts/pack.sh, the seconds from timing.csv and tuning-timing.csv
ms "$out" 1 3 1000 --csv > "$tmp/before.csv"
bash scripts/pack.sh --store "$out" > /dev/null
PACK_LIMIT=200 bash scripts/pack.sh "$out/timing.csv" "$out/tuning-timing.csv" "$out/plan.csv" > /dev/null
ls "$out"/tuning-timing.csv.1-*.gz > /dev/null 2>&1 || fail "pack.sh did not split tuning-timing.csv in parts"
rm "$out/cells/timing.log"
ms "$out" 1 3 1000 --csv > "$tmp/after.csv"
cmp -s "$tmp/before.csv" "$tmp/after.csv" || fail "packed, without cells/timing.log: $(diff "$tmp/before.csv" "$tmp/after.csv")"
# (the output is read whole: grep -q quitting early would break the pipe under pipefail)
ms "$out" > "$tmp/sources.txt"
grep -q "seconds from timing.csv (2 cells), tuning-timing.csv (14 cells)$" "$tmp/sources.txt" \
  || fail "packed: the seconds' sources: $(head -n 1 "$tmp/sources.txt")"

# 3. bad input
refused() { # WANT CMD...: exit 2, the one stderr line WANT, nothing on stdout
  local want=$1 rc=0; shift
  "$@" > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
  [ $rc -eq 2 ] || fail "$*: exit $rc (expected 2): $(cat "$tmp/stderr")"
  [ "$(cat "$tmp/stderr")" = "$want" ] || fail "$*: stderr $(cat "$tmp/stderr") (expected $want)"
  [ ! -s "$tmp/stdout" ] || fail "$*: wrote to stdout"
}
bad=$tmp/bad
reset() { rm -rf "$bad"; cp -r "$fx" "$bad"; }
reset; sed -i '/a000000000000008/d' "$bad/tuning-timing.csv"
refused "makespan: $bad: no seconds for cell a000000000000008 (toy/sgd/constant, lr 10, round 3) in cells/timing.log, timing.csv or tuning-timing.csv (expected every cell's wall seconds)" ms "$bad"
reset; sed -i 's/^b000000000000004,3.000$/b000000000000004,nan/' "$bad/timing.csv"
refused "makespan: $bad/timing.csv: line 5: seconds: invalid value (expected a finite number >= 0, got nan)" ms "$bad"
reset; sed -i 's/^a000000000000005,2,/a000000000000005,0,/' "$bad/tuning-cells.csv"
refused "makespan: $bad/tuning-cells.csv: line 6: round: invalid value (expected an integer >= 1, got 0)" ms "$bad"
reset; sed -i 's/^a000000000000002,1,1,/a000000000000002,3,1,/' "$bad/tuning-cells.csv"
refused "makespan: $bad/tuning-cells.csv: rounds out of order (expected the cells in training order, round 1 first)" ms "$bad"
reset; rm "$bad/tuning-cells.csv"; touch "$bad/tuning.csv"
refused "makespan: $bad/tuning-cells.csv: missing (expected the tuning cells, which lrlab run writes beside tuning.csv)" ms "$bad"
reset; echo "b000000000000005,1.000" >> "$bad/timing.csv"
refused "makespan: $bad/timing.csv: line 7: cell b000000000000005 again (first on line 6; expected each cell once)" ms "$bad"
reset; gzip -n "$bad/timing.csv"; mv "$bad/timing.csv.gz" "$bad/timing.csv.1-2.gz"
refused "makespan: $bad/timing.csv: parts 1-2 (expected timing.csv.1-2.gz ... timing.csv.2-2.gz, each once)" ms "$bad"
reset; mkdir "$bad/cells"; printf 'b000000000000001,1.0\nnot a line\n' > "$bad/cells/timing.log"
refused "makespan: $bad/cells/timing.log: line 2: expected id,seconds (16 hex digits, a number), got not a line" ms "$bad"
refused "makespan: W: invalid value (expected a number of workers, an integer >= 1, got 0)" ms "$fx" 0
refused "makespan: --join-cores: invalid value (expected an integer >= 1, got 1.5)" ms "$fx" --join-cores 1.5
refused "makespan: --overhead: invalid value (expected seconds, a finite number >= 0, got -1)" ms "$fx" --overhead -1
refused "makespan: $tmp/none: not a folder (expected a result folder of lrlab run)" ms "$tmp/none"
echo "makespan: ok"
