#!/usr/bin/env bash
# format.sh - every C source and header of the repository is as clang-format 14 (Debian's
# clang-format-14, the version CI installs) writes it with the repository's .clang-format.
# Lists the files that differ and fails; `bash tests/format.sh SRC --fix` rewrites them.
# Why one pinned version: clang-format's output changes between releases, and a check that
# passes on one machine and fails on another would be noise.
# usage: format.sh SRC_DIR [--fix]
set -euo pipefail
src=$1 mode=${2:-check}
cf=$(command -v clang-format-14 || true)
[ -n "$cf" ] || { echo "FAIL: clang-format-14 not found (apt-get install clang-format-14)" >&2; exit 1; }
cd "$src"
if [ -d .git ] || [ -f .git ]; then
  mapfile -t files < <(git ls-files '*.c' '*.h')
else
  mapfile -t files < <(find harness schedulers tasks tests scripts -name '*.[ch]' | sort)
fi
[ "${#files[@]}" -gt 50 ] || { echo "FAIL: only ${#files[@]} C files found under $src" >&2; exit 1; }
if [ "$mode" = --fix ]; then
  "$cf" -i --style=file "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$cf" --style=file "$f" | cmp -s - "$f" || bad+=("$f")
done
if [ "${#bad[@]}" -gt 0 ]; then
  echo "FAIL: ${#bad[@]} of ${#files[@]} files are not clang-format-14 clean (fix: bash tests/format.sh . --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files clang-format-14 clean"
