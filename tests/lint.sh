#!/usr/bin/env bash
# lint.sh - cppcheck (Debian's cppcheck 2.10) over the library, the schedulers and the tasks,
# on a curated set of checks: its "warning" class (undefined behaviour, null dereferences,
# uninitialised reads, bad library-call arguments, memory and resource leaks), "portability"
# and "performance", plus the default errors. Style checks are left out (clang-format and
# review cover style). A finding that is a false positive is silenced where it stands, with
# `// cppcheck-suppress ID` and a reason on the line above, never for the whole tree.
# usage: lint.sh SRC_DIR
set -euo pipefail
src=$1
command -v cppcheck > /dev/null || { echo "FAIL: cppcheck not found (apt-get install cppcheck)" >&2; exit 1; }
cd "$src"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cppcheck -q --std=c11 --enable=warning,portability,performance --inline-suppr \
  --error-exitcode=1 -I . -D__GNUC__ -D_DEFAULT_SOURCE -DLRLAB_VERSION='"lint"' \
  --template='{file}:{line}: {severity}: {message} [{id}]' \
  harness schedulers tasks 2> "$out" || {
  cat "$out" >&2
  echo "FAIL: cppcheck found $(grep -c ': \(error\|warning\|portability\|performance\): ' "$out") problem(s)" >&2
  exit 1
}
echo "lint: cppcheck clean on harness/, schedulers/, tasks/"
