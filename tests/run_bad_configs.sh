#!/usr/bin/env bash
# run_bad_configs.sh - the bad-configuration catalogue: every tests/config/*.lua must be
# refused with exit code 2, one exact error line on stderr (plus at most a `hint:` line),
# nothing on stdout, no output folder, within 30 seconds of wall time (a hang detector that a
# loaded machine or a sanitizer build does not trip; tests/hostile.sh measures CPU time).
#
# What: runs `LRLAB_BIN run tests/config/FILE --out TMP/out` from SRC_DIR for each case and
# compares the first stderr line with the line for FILE in tests/config/expected.txt
# (FILE<TAB>MESSAGE). Also checks that the .lua files and the expected lines match one to
# one and that every expected message names its own file.
# Why: the house rule is one line `file:line: subject: problem (expected X, got
# Y)`, exit code 2 and nothing written; this pins the wording and the line numbers.
# In expected.txt, {tasks}, {optimizers} and {schedulers} stand for the registry's names
# as the message lists them ("constant, cosine, greedy"), read from `lrlab list KIND`, so
# that adding a component does not break the unknown-name cases.
# Cases whose first line says `(needs: faces) fail when the LFW faces file is not
# in SRC_DIR/data (or $LRLAB_DATA).
#
# usage: run_bad_configs.sh SRC_DIR LRLAB_BIN
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 SRC_DIR LRLAB_BIN" >&2
  exit 2
fi
src=$(cd "$1" && pwd) || exit 2
bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "FAIL: $bin is not an executable" >&2; exit 2; }

cfgdir=tests/config
expected=$src/$cfgdir/expected.txt
[ -f "$expected" ] || { echo "FAIL: $expected is missing" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-badcfg.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

faces=lfw_subset.npy
if [ -f "$src/data/$faces" ]; then
  export LRLAB_DATA=$src/data
fi
have_faces=0
[ -f "${LRLAB_DATA:-$src/data}/$faces" ] && have_faces=1

cd "$src" || exit 2
fails=0 passes=0 skips=0
# shellcheck source=tests/refusal.sh
. "$(dirname "${BASH_SOURCE[0]}")/refusal.sh"
fail() { # CASE WHY [DETAIL FILE]
  echo "FAIL $1: $2"
  if [ $# -ge 3 ] && [ -s "$3" ]; then sed 's/^/    /' "$3"; fi
  fails=$((fails + 1))
}

# ---- the catalogue and expected.txt match one to one ----
(cd "$cfgdir" && ls -1 -- *.lua 2>/dev/null) | sort > "$tmp/present"
check_catalogue "$expected" "$(printf '^[^\t][^\t]*\\.lua\t[^\t][^\t]*$')" \
  "FILE.lua<TAB>MESSAGE" "$tmp/present"

# ---- registry names for the placeholders ----
for kind in tasks optimizers schedulers; do
  names=$("$bin" list "$kind" |
    awk '/^  [^ ]/ && !/^  keys every / { printf "%s%s", n++ ? ", " : "", $1 }')
  [ -n "$names" ] || fail "lrlab list $kind" "no component names in its output"
  printf -v "names_$kind" '%s' "$names"
done

# ---- each case ----
while IFS=$'\t' read -r file want; do
  script=$cfgdir/$file
  [ -f "$script" ] || continue # reported above
  want=${want//\{tasks\}/$names_tasks}
  want=${want//\{optimizers\}/$names_optimizers}
  want=${want//\{schedulers\}/$names_schedulers}
  case $want in
    "lrlab: $script:"*) ;;
    *) fail "$file" "the expected message does not start with \"lrlab: $script:\""; continue ;;
  esac
  if [ $have_faces -eq 0 ] && head -n 1 "$script" | grep -q '(needs: faces)'; then
    fail "$file" "no $faces in ${LRLAB_DATA:-$src/data} (fetch it: bash scripts/fetch-data.sh faces)"
    continue
  fi
  rm -rf "$tmp/out"
  start=$(date +%s)
  timeout 30 "$bin" run "$script" --out "$tmp/out" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
  rc=$?
  secs=$(($(date +%s) - start))
  bad=0
  if [ $rc -eq 124 ]; then
    fail "$file" "still running after 30 s (timeout)"; continue
  fi
  check_refusal "$file" "$rc" 2 "$want" || bad=1
  if [ -e "$tmp/out" ]; then fail "$file" "the output folder was created"; bad=1; fi
  if [ $bad -eq 0 ]; then
    echo "PASS $file (${secs} s)"
    passes=$((passes + 1))
  fi
done < "$tmp/expected"

echo "bad configs: $passes passed, $fails failed, $skips skipped"
[ $fails -eq 0 ]
