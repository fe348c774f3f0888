#!/usr/bin/env bash
# reuse_demo.sh - one new scheduler against the committed paper matrix, training only its cells.
#
# What: writes OUT/paper_plus.lua, scripts/paper.lua with the Lua scheduler of
# scripts/examples/rsqrt_scheduler.lua added to its schedulers, and runs
#   lrlab run OUT/paper_plus.lua --out OUT --reuse results/paper
# Every cell of paper.lua (13,860: 2,772 tuning cells, 11,088 evaluation cells) has the same id
# in the new plan and is taken from the committed results (their packed cell store,
# results/paper/cells.csv.gz), checked against its recorded hashes; only the new scheduler's
# cells are trained: 11 tasks x 6 optimizers x (3 tuning lrs + 12 seeds) = 990. The run prints
# the count ("990 trained now, 13860 taken from --reuse"), and this script checks it. Then
# `lrlab compare OUT` gives GreedyLR against 14 baselines, rsqrt included.
# Why: published baselines are only worth something if a new method can be compared with
# them without training them again, and without any doubt that they are the same runs.
# Time: the new cells only, about 3 minutes on two cores.
# With -- --check it trains nothing and prints how many cells the committed results hold
# ("tuning round 1: 0 of 2970 here, 2772 in the --reuse folders"; tests/reuse_paper.sh).
# usage: bash scripts/reuse_demo.sh [OUT] [-- RUN OPTIONS]   (OUT default results/paper-plus)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-results/paper-plus}
[[ $# -gt 0 ]] && shift
[[ ${1:-} == -- ]] && shift
bin=${LRLAB_BIN:-build/lrlab}
[[ -x $bin ]] || { echo "reuse_demo: $bin: no lrlab binary (build it: bash scripts/bootstrap.sh quick)" >&2; exit 2; }
mkdir -p "$out"
script=$out/paper_plus.lua
# the new scheduler goes right after the line that opens paper.lua's schedulers
grep -q '^  schedulers = {$' scripts/paper.lua || { echo "reuse_demo: scripts/paper.lua: no '  schedulers = {' line" >&2; exit 2; }
sed '/^  schedulers = {$/r scripts/examples/rsqrt_scheduler.lua' scripts/paper.lua > "$script.tmp"
mv "$script.tmp" "$script"
if [[ " $* " == *" --check "* ]]; then # the plan and what the committed results hold
  exec "$bin" run "$script" --out "$out" --reuse results/paper "$@"
fi
log=$out/reuse_demo.log
"$bin" run "$script" --out "$out" --reuse results/paper "$@" | tee "$log"
line=$(grep -E '^paper: [0-9]+ cells \(' "$log" | tail -n 1)
tuned=$(grep -cE ',rsqrt,' "$out/tuning-cells.csv")
evals=$(grep -cE ',rsqrt,' "$out/plan.csv")
want=$((tuned + evals))
trained=$(sed -n 's/.*(\([0-9]*\) trained now.*/\1/p' <<< "$line")
taken=$(sed -n 's/.* \([0-9]*\) taken from --reuse.*/\1/p' <<< "$line")
echo "reuse_demo: rsqrt's cells: $tuned tuning + $evals evaluation = $want; trained now: $trained; taken from results/paper: $taken"
[[ $trained -eq $want ]] || { echo "reuse_demo: FAIL: trained $trained cells, expected only rsqrt's $want" >&2; exit 1; }
