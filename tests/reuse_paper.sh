#!/usr/bin/env bash
# reuse_paper.sh - the committed paper results are a cell store that a new experiment reuses.
#
# What: `scripts/reuse_demo.sh OUT -- --check` writes scripts/paper.lua plus one Lua scheduler
# and checks it against results/paper (its packed cell store) without training: every one of
# the paper's 2,772 tuning cells of round 1 must be found there and none of the new
# scheduler's 198, and the new script must plan the paper's 11,088 evaluation cells plus 792.
# (scripts/reuse_demo.sh without --check trains those 990 cells and takes the 13,860 others.)
# Why: the store is what makes the published baselines reusable; if a change to the ids, the
# store's format or its data lines broke that, the demonstration would train everything.
# usage: reuse_paper.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
LRLAB_BIN=$bin bash scripts/reuse_demo.sh "$tmp/plus" -- --check -j 1 > "$tmp/out" 2>&1 \
  || { cat "$tmp/out" >&2; fail "reuse_demo.sh --check failed"; }
grep -q "^cells: 11880 = 11 task(s) x 6 optimizer(s) x 15 scheduler(s) x 12 seed(s)$" "$tmp/out" \
  || fail "the plan: $(grep '^cells:' "$tmp/out")"
grep -q "; tuning round 1: 0 of 2970 here, 2772 in the --reuse folders;" "$tmp/out" \
  || fail "the store does not hold the paper's 2772 tuning cells: $(grep '^done:' "$tmp/out")"
echo "reuse_paper: ok (2772 of 2970 tuning cells in results/paper's store; the other 198 are rsqrt's)"
