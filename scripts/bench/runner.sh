#!/usr/bin/env bash
# runner.sh - the matrix runner's costs on the default experiment (scripts/quick.lua):
#   harness overhead per cell: (time of the cells phase of a -j 1 run - the time spent inside
#   the cells' training loops, from the same run's timing.csv) / cells, against the mean cell
#   (target: under 1%); everything outside the training loop counts as overhead: the workers,
#   the pipes, creating each task (data, model) and writing the result files. The phase times
#   come from `lrlab run --verbose` (setup: script, plan, data check, provenance; cells;
#   results: merge, figures, comparison) and are reported too;
#   speed-up of -j 2 over -j 1 (target: at least 1.8 on two cores);
#   peak memory (max RSS) of the runner and of one worker.
# Prints the BLAS kernel and thread counts. Each configuration runs REPEATS times (default
# 3), alternating, and the medians are reported. Run it on an otherwise idle machine.
# usage: bash scripts/bench/runner.sh [LRLAB_BIN] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/lrlab}
reps=${2:-3}
script=scripts/quick.lua
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$bin" ] || { echo "runner.sh: $bin: not built (run bash scripts/bootstrap.sh quick)" >&2; exit 2; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
run() { # run JOBS OUT: prints wall seconds, max RSS (KB), the setup, cells and results phases,
         # and the seconds inside the training loops (this run's timing.csv)
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" run $script --out "$2" -j "$1" --fresh --verbose \
    > /dev/null 2> "$tmp/err"
  echo "$(cat "$tmp/time") $(sed -n 's/^timing: setup \([0-9.]*\) s, cells \([0-9.]*\) s.*results \([0-9.]*\) s$/\1 \2 \3/p' "$tmp/err")" \
    "$(awk -F, 'NR > 1 { s += $2 } END { printf "%.3f", s }' "$2/timing.csv")"
}
for i in $(seq 1 "$reps"); do
  run 1 "$tmp/j1" >> "$tmp/w1"
  run 2 "$tmp/j2" >> "$tmp/w2"
done
cells=$(( $(wc -l < "$tmp/j1/timing.csv") - 1 ))
train=$(cut -d' ' -f6 "$tmp/w1" | median)
# the overhead of each -j 1 run from its own phase and training times (runs differ by more
# than the overhead: pairing them across runs would measure noise)
over=$(awk -v n="$cells" '{ print ($4 - $6) / n }' "$tmp/w1" | median)
spread=$(awk -v n="$cells" '{ printf "%.2f\n", 1000 * ($4 - $6) / n }' "$tmp/w1" | sort -g | paste -sd' ')
w1=$(cut -d' ' -f1 "$tmp/w1" | median)
w2=$(cut -d' ' -f1 "$tmp/w2" | median)
rss=$(cut -d' ' -f2 "$tmp/w1" | sort -n | tail -1)
setup=$(cut -d' ' -f3 "$tmp/w1" | median)
phase=$(cut -d' ' -f4 "$tmp/w1" | median)
results=$(cut -d' ' -f5 "$tmp/w1" | median)
echo "lrlab runner benchmark: $script, $cells cells, $reps repeats (medians)"
grep '^blas:' "$tmp/j1/provenance.txt" | sed 's/^/  /'
echo "  cores: $(nproc); each worker single-threaded BLAS"
awk -v w1="$w1" -v w2="$w2" -v t="$train" -v n="$cells" -v rss="$rss" -v su="$setup" \
    -v ph="$phase" -v re="$results" -v over="$over" -v spread="$spread" 'BEGIN {
  cell = t / n
  printf "  -j 1 wall %.2f s = setup %.2f + cells %.2f + results %.2f (merge, figures, comparison)\n", w1, su, ph, re
  printf "  training loops %.2f s; mean cell %.1f ms\n", t, 1000 * cell
  printf "  harness overhead per cell: %.2f ms = %.2f%% of a mean cell (target < 1%%); runs: %s ms\n", 1000 * over, 100 * over / cell, spread
  printf "  -j 2 wall %.2f s: speed-up %.2fx over -j 1 (target >= 1.8x)\n", w2, w1 / w2
  printf "  peak memory of the runner: %.1f MB\n", rss / 1024
}'
