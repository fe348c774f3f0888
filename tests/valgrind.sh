#!/usr/bin/env bash
# valgrind.sh - memcheck on a small end-to-end run: `lrlab run tests/e2e/tiny.lua
# -j 1` (the runner and every worker process it forks) and `lrlab compare` on its results,
# each under valgrind --error-exitcode=1 --leak-check=full. Passes when both exit 0 and
# every process's log reports 0 errors and no definitely or indirectly lost block.
#
# Why: ASan (the sanitizer build) cannot see reads of uninitialised memory; memcheck can,
# and checks the very binary users run (a release build, no instrumentation).
# Registered only with -DLRLAB_VALGRIND=ON, as CTest `valgrind` (label valgrind): a few
# minutes, so not in the default suite. gnuplot, started by lrlab for the figures, runs
# natively (no --trace-children).
#
# usage: valgrind.sh SRC_DIR LRLAB_BIN [VALGRIND]
set -euo pipefail
src=$(cd "$1" && pwd)
bin=$2
vg=${3:-valgrind}
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
# the portable kernel from the start: lrlab would otherwise start itself again with it, and
# memcheck (without --trace-children) would see only the process before that
export OPENBLAS_CORETYPE=Haswell
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
memcheck() { # NAME ARGS...: lrlab ARGS under memcheck, one log per process
  local name=$1
  shift
  local rc=0 t0=$SECONDS
  "$vg" --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=30 \
    --log-file="$tmp/$name.%p.log" "$bin" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || rc=$?
  local logs=("$tmp/$name".*.log)
  local bad=0
  local summaries=0
  for log in "${logs[@]}"; do
    # a process that exec'd another program (gnuplot) ends its log without a summary
    local clean=1
    if grep -q 'ERROR SUMMARY:' "$log"; then
      summaries=$((summaries + 1))
      grep -q 'ERROR SUMMARY: 0 errors' "$log" || clean=0
    elif grep -qE '^==[0-9]+== +(Invalid|Conditional|Use of uninit|Syscall param|Mismatched)' "$log"; then
      clean=0
    fi
    if [ $clean -eq 0 ]; then
      bad=1
      echo "---- $log" >&2
      cat "$log" >&2
    fi
  done
  [ $summaries -ge 1 ] || fail "$name: no memcheck summary in ${logs[*]}"
  [ $rc -eq 0 ] || { cat "$tmp/$name.err" >&2; fail "$name: exit $rc under valgrind"; }
  [ $bad -eq 0 ] || fail "$name: memcheck reported errors (logs above)"
  echo "ok: $name clean under memcheck ($summaries process(es) checked, $((SECONDS - t0)) s)"
}
memcheck run run tests/e2e/tiny.lua -j 1 --out "$tmp/out" --quiet
memcheck compare compare "$tmp/out"
