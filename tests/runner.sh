#!/usr/bin/env bash
# runner.sh - the matrix runner's guarantees, end to end through the CLI:
#   -j 1 and -j 2 give the same bytes; shards merged give the same bytes as one run, and
#   merge refuses gaps, overlaps and different plans; SIGKILL at random moments followed
#   by resumes ends with the same bytes as an uninterrupted run; SIGTERM stops cleanly
#   (exit 143, a resume hint) and resumes; a crashing cell and a cell past its time limit
#   are recorded as failed with the reason while the rest completes (exit 1); a truncated
#   or corrupt cell file is detected and that cell trained again.
# usage: runner.sh SRC_DIR LRLAB_BIN [KILLS]
set -euo pipefail
src=$1 bin=$2 kills=${3:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
fail() { echo "FAIL: $*" >&2; exit 1; }
same() { # same DIR1 DIR2: the reproducible result files are byte-identical
  for f in runs.csv curves.csv evals.csv plan.csv; do
    cmp -s "$1/$f" "$2/$f" || fail "$f differs between $1 and $2"
  done
}
cd "$src"
script=tests/e2e/tiny.lua
cells=$("$bin" run $script --check | sed -n 's/^cells: \([0-9]*\) .*/\1/p')
[ -n "$cells" ] || fail "no cell count from --check"

"$bin" run $script --out "$tmp/ref" -j 1 --quiet > /dev/null
"$bin" run $script --out "$tmp/j2" -j 2 --quiet > /dev/null
same "$tmp/ref" "$tmp/j2"
echo "ok: -j 1 and -j 2 give the same bytes ($cells cells)"

for n in 2 3; do
  dirs=()
  for k in $(seq 1 $n); do
    "$bin" run $script --out "$tmp/shard$n-$k" --shard "$k/$n" -j 2 --quiet > /dev/null
    dirs+=("$tmp/shard$n-$k")
  done
  "$bin" merge "$tmp/merged$n" "${dirs[@]}" --quiet > /dev/null
  same "$tmp/ref" "$tmp/merged$n"
  [ "$(grep -c ',[0-9.]*$' "$tmp/merged$n/timing.csv")" -eq "$cells" ] || fail "merged timing.csv lacks times"
done
rc=0; "$bin" merge "$tmp/bad" "$tmp/shard3-1" "$tmp/shard3-2" 2> "$tmp/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "in none of the folders" "$tmp/err" || fail "merge accepted a missing shard"
rc=0; "$bin" merge "$tmp/bad" "$tmp/shard2-1" "$tmp/shard3-1" 2> "$tmp/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "exactly one shard" "$tmp/err" || fail "merge accepted overlapping shards"
mkdir -p "$tmp/other"; sed 's/name = "tiny"/name = "other"/' $script > "$tmp/other.lua"
"$bin" run "$tmp/other.lua" --out "$tmp/other" --shard 2/2 --quiet > /dev/null
rc=0; "$bin" merge "$tmp/bad" "$tmp/shard2-1" "$tmp/other" 2> "$tmp/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "a different plan" "$tmp/err" || fail "merge accepted a different plan"
[ ! -e "$tmp/bad" ] || fail "a refused merge wrote its output folder"
echo "ok: shards 2 and 3 merged give the same bytes; gaps, overlaps, other plans refused"

# SIGKILL at random moments, then resume: on the default experiment, long enough to be
# interrupted in every phase (training, writing, merging, plotting)
big=scripts/quick.lua
"$bin" run $big --out "$tmp/bigref" -j 2 --quiet > /dev/null
for i in $(seq 1 "$kills"); do
  "$bin" run $big --out "$tmp/killed" -j 2 --quiet > /dev/null 2>&1 &
  pid=$!
  sleep "$(( RANDOM % 2 )).$(( RANDOM % 10 ))"
  kill -9 $pid 2> /dev/null || true
  wait $pid 2> /dev/null || true
done
"$bin" run $big --out "$tmp/killed" -j 2 --quiet > /dev/null
same "$tmp/bigref" "$tmp/killed"
leftover=$(find "$tmp/killed" \( -name '*.tmp*' -o -name '*lrlab-tmp*' \) | wc -l)
[ "$leftover" -eq 0 ] || fail "$leftover temporary files left after resume"
echo "ok: $kills SIGKILLs then a resume give the same bytes"

# SIGTERM: clean stop with a resume hint, then resume
"$bin" run $big --out "$tmp/term" -j 2 > /dev/null 2> "$tmp/term.err" &
pid=$!
# wait until training has started (plan.csv is written once the signal handlers are in
# place): a slow build (sanitizers, valgrind) may still be loading data after 1 s
for _ in $(seq 1 600); do [ -e "$tmp/term/plan.csv" ] && break; sleep 0.1; done
sleep 0.5
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ $rc -eq 143 ] || fail "SIGTERM exit code $rc (expected 143)"
grep -q "run the same command again to resume" "$tmp/term.err" || fail "no resume hint"
"$bin" run $big --out "$tmp/term" -j 2 --quiet > /dev/null
same "$tmp/bigref" "$tmp/term"
echo "ok: SIGTERM stops cleanly (exit $rc) and the run resumes to the same bytes"

# a crashing cell and a hanging one are recorded as failed; the rest completes
ids=($(tail -n +2 "$tmp/ref/plan.csv" | cut -d, -f2))
rc=0
LRLAB_FAULT_CRASH=${ids[3]} LRLAB_FAULT_HANG=${ids[5]} \
  "$bin" run $script --out "$tmp/faults" -j 2 --cell-timeout 3 --quiet > /dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "faulty cells: exit $rc (expected 1)"
grep -q "crashed (signal 11" "$tmp/faults/cells/${ids[3]}.csv" || fail "crash not recorded"
grep -q "time limit of 3 s exceeded" "$tmp/faults/cells/${ids[5]}.csv" || fail "timeout not recorded"
[ "$(grep -c ',failed,' "$tmp/faults/runs.csv")" -eq 6 ] || fail "failed rows in runs.csv"
[ "$(ls "$tmp/faults/cells/"*.csv | wc -l)" -eq "$cells" ] || fail "the rest did not complete"
"$bin" run $script --out "$tmp/faults" --retry-failed -j 2 --quiet > /dev/null
same "$tmp/ref" "$tmp/faults"
echo "ok: crash and time limit recorded as failed, the rest completed, --retry-failed repairs"

# truncated and corrupt cell files are trained again
cp -r "$tmp/ref" "$tmp/corrupt"
f1="$tmp/corrupt/cells/${ids[0]}.csv"; head -c 60 "$f1" > "$f1.x" && mv "$f1.x" "$f1"
f2="$tmp/corrupt/curves/${ids[1]}.csv"; printf 'garbage\n' > "$f2"
out=$("$bin" run $script --out "$tmp/corrupt" -j 2 --quiet)
echo "$out" | grep -q "(2 trained now" || fail "corrupt cells not retrained: $out"
same "$tmp/ref" "$tmp/corrupt"
echo "ok: truncated and corrupt cell files detected and retrained"

# the tuning stage: the grid's choice is recorded in tuning.csv, the same with any -j and
# shard split, and reused (not retrained) on resume
t=tests/e2e/tune.lua
"$bin" run $t --out "$tmp/tune1" -j 1 --quiet > /dev/null
"$bin" run $t --out "$tmp/tune2" -j 2 --quiet > /dev/null
same "$tmp/tune1" "$tmp/tune2"
cmp -s "$tmp/tune1/tuning.csv" "$tmp/tune2/tuning.csv" || fail "tuning.csv differs with -j"
[ "$(grep -c ',1$' "$tmp/tune1/tuning.csv")" -eq 2 ] || fail "one choice per (task, optimizer, scheduler)"
chosen=$(awk -F, '$3 == "constant" && $6 == 1 { print $4 }' "$tmp/tune1/tuning.csv")
awk -F, -v lr="$chosen" 'NR > 1 && $4 == "sgd" && $5 == "constant" && $8 != lr { exit 1 }' \
  "$tmp/tune1/plan.csv" || fail "evaluation cells do not use the chosen lr $chosen"
"$bin" run $t --out "$tmp/tune-s1" --shard 1/2 --quiet > /dev/null
"$bin" run $t --out "$tmp/tune-s2" --shard 2/2 --quiet > /dev/null
"$bin" merge "$tmp/tune-m" "$tmp/tune-s1" "$tmp/tune-s2" --quiet > /dev/null
same "$tmp/tune1" "$tmp/tune-m"
out=$("$bin" run $t --out "$tmp/tune1" -j 2 --quiet)
echo "$out" | grep -q "(0 trained now" || fail "resume retrained tuning cells: $out"
echo "ok: tuning stage reproducible across -j and shards, choice reused on resume"
