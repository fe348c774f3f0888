#!/usr/bin/env bash
# paper_numbers.sh - every number paper/paper.md quotes from a result folder of
# scripts/paper.lua, computed from its files, so that the text can be checked and updated
# when the results are made again.
#
# What: runs lrlab compare on a copy of DIR (DIR itself is not written) with the first
# study's settings (--tie paper --interval units), with the relative tolerance of the paper's large models (--tie rel:0.01), and
# prints: the number of evaluation runs; the paper's counting overall, without Adafactor, by
# optimizer and by task; the statistical verdict on the training objective and on the
# validation loss, with intervals; the wins and losses against line search and
# hypergradient descent; time to target against line search in wall seconds.
# usage: bash scripts/paper_numbers.sh DIR [LRLAB_BIN]   (default results/paper, build/lrlab)
set -euo pipefail
dir=${1:-results/paper}
bin=${2:-build/lrlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
has() { [ -f "$1" ] || compgen -G "$1.gz" > /dev/null || compgen -G "$1.1-*.gz" > /dev/null; }
has "$dir/runs.csv" && [ -f "$dir/plan.csv" ] || { echo "usage: $0 DIR [LRLAB_BIN] (DIR with runs.csv, plain or packed, and plan.csv)" >&2; exit 2; }
# runs.csv and evals.csv plain or packed (scripts/pack.sh): lrlab reads either
for f in runs.csv evals.csv plan.csv tuning.csv timing.csv provenance.txt; do
  for g in "$dir/$f" "$dir/$f".gz "$dir/$f".[0-9]*-[0-9]*.gz; do [ -f "$g" ] && cp "$g" "$tmp/"; done
done
mkdir -p "$tmp/rel" && cp "$tmp"/*.csv "$tmp"/*.gz "$tmp/provenance.txt" "$tmp/rel/" 2>/dev/null || true
# the first study's settings: the paper's tie rule, units resampled as if independent
"$bin" compare "$tmp" --tie paper --interval units > "$tmp/default.txt"
"$bin" compare "$tmp/rel" --tie rel:0.01 --interval units > "$tmp/rel.txt"

pct() { awk -v k="$1" '$1 == k && $2 ~ /^[0-9]+$/ { print $7; exit }' "$2"; } # row's good|better
verdict() { # FILE MEASURE: share, units, interval
  awk -F, -v m="$2" '$1 == m { printf "%.1f%% of %d comparisons (95%% interval %.1f%% to %.1f%%): %s\n",
    100 * $7, $3, 100 * $8, 100 * $9, $11 }' "$1"
}
echo "evaluation runs: $(($(wc -l < "$dir/plan.csv") - 1))"
echo "paper's counting, overall: $(awk '$1 == "all" { print $7 " of " $2 " datapoints"; exit }' "$tmp/default.txt")"
awk -F, 'NR > 1 && $1 == "train_loss" && $3 != "adafactor" { n++; g += ($10 != "no") }
  END { printf "paper'"'"'s counting without adafactor: %.1f%% (%d of %d datapoints)\n", 100 * g / n, g, n }' \
  "$tmp/comparisons.csv"
for o in $(tail -n +2 "$dir/plan.csv" | cut -d, -f5 | awk '!seen[$0]++'); do
  echo "  optimizer $o: $(pct "$o" "$tmp/default.txt")"
done
for t in $(tail -n +2 "$dir/plan.csv" | cut -d, -f4 | awk '!seen[$0]++'); do
  echo "  task $t: $(pct "$t" "$tmp/default.txt")"
done
echo "statistics, training objective: $(verdict "$tmp/verdict.csv" train_loss)"
echo "statistics, validation loss: $(verdict "$tmp/verdict.csv" val_loss)"
awk -F, 'NR > 1 && $1 == "train_loss" && ($5 == "sls" || $5 == "hd-group" || $5 == "hd-param") {
    n[$5]++; w[$5] += ($15 == "win"); l[$5] += ($15 == "loss") }
  END { for (k in n) printf "against %s (training objective): %d wins, %d losses of %d comparisons\n", k, w[k], l[k], n[k] }' \
  "$tmp/tests.csv" | sort
awk -F, 'NR > 1 && $1 == "seconds_to_target" && $5 == "sls" { n++; w += ($15 == "win"); l += ($15 == "loss") }
  END { printf "time to target against sls (wall seconds): sooner in %d, later in %d of %d (%d ties)\n", w, l, n, n - w - l }' \
  "$tmp/tests.csv"
echo "relative tolerance (--tie rel:0.01): paper's counting $(awk '$1 == "all" { print $7; exit }' "$tmp/rel.txt");" \
  "statistics $(verdict "$tmp/rel/verdict.csv" train_loss)"
mkdir -p "$tmp/now" && cp "$tmp"/runs.csv* "$tmp"/evals.csv* "$tmp"/plan.csv "$tmp/now/" 2>/dev/null || true
"$bin" compare "$tmp/now" --multiverse > "$tmp/now.txt"
echo "today's defaults (tie task:0.01, interval crossed): $(grep '^verdict on' "$tmp/now.txt" | sed 's/.*(train_loss): //')"
echo "  $(grep 'beside it' "$tmp/now.txt" | sed 's/^ *//')"
echo "  $(grep '^multiverse:' "$tmp/now.txt")"
