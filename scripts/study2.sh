#!/usr/bin/env bash
# study2.sh - runs every arm of the second study (paper/protocol.md) into results/study2/ARM/,
# in an order that lets each arm take the cells it shares with an earlier one by content
# (--reuse): primary from the first study, hf-eval, paper-train, adafactor-default and
# short-matched (which trains nothing) from primary, long-hf-eval from long. Resumable: run
# it again after an interruption and it trains only what is missing, ending with the same
# bytes. --quiet: no verdict is printed
# before every arm is complete (the protocol's stopping rule); compare and report come after.
#
# usage: bash scripts/study2.sh [ARM...] [-- LRLAB_RUN_OPTIONS...]
#   ARM: primary short-matched long hf-eval paper-train adafactor-default long-hf-eval size
#   (default: all, in this order); options after -- go to every lrlab run (default: -j 2), e.g.
#   -- -j 2 --shard 1/2 to split the work with another machine (join with lrlab merge).
set -euo pipefail
cd "$(dirname "$0")/.."
all=(primary short-matched long hf-eval paper-train adafactor-default long-hf-eval size)
arms=() opts=()
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then shift; opts=("$@"); break; fi
  ok=0
  for a in "${all[@]}"; do [ "$1" = "$a" ] && ok=1; done
  [ $ok = 1 ] || { echo "study2.sh: $1: unknown arm (expected one of ${all[*]})" >&2; exit 2; }
  arms+=("$1"); shift
done
[ ${#arms[@]} -gt 0 ] || arms=("${all[@]}")
[ ${#opts[@]} -gt 0 ] || opts=(-j 2)
lrlab=${LRLAB:-./build/lrlab}
out=results/study2

# reuse: the folders an arm takes cells from (those that exist)
reuse_of() {
  case $1 in
    primary) echo results/paper ;;
    hf-eval|paper-train|adafactor-default|short-matched) echo "$out/primary results/paper" ;;
    long-hf-eval) echo "$out/long" ;;
    *) ;;
  esac
}

for a in "${arms[@]}"; do
  r=()
  for d in $(reuse_of "$a"); do [ -d "$d" ] && r+=(--reuse "$d"); done
  start=$(date +%s)
  if [ "$a" = size ]; then
    "$lrlab" run scripts/study2_size.lua --out "$out/size" --quiet "${r[@]}" "${opts[@]}"
  else
    "$lrlab" run scripts/study2.lua --define "arm=$a" --out "$out/$a" --quiet "${r[@]}" "${opts[@]}"
  fi
  echo "study2: $a: $(( $(date +%s) - start )) s"
done
