# refusal.sh - sourced by the bad-input catalogues (run_bad_configs.sh, hostile*.sh): their
# arguments, the rules every refused input must meet, read from $tmp/stdout and $tmp/stderr of its run, and the
# check that a catalogue's expected.txt and its cases match one to one.
#
# catalogue_args CATALOGUE DATA SRC_DIR LRLAB_BIN: a catalogue's arguments, or its usage and
# exit 2: sets src (absolute), bin (absolute, executable) and expected
# (SRC_DIR/tests/CATALOGUE/expected.txt, which must exist); with DATA 1 also exports
# LRLAB_DATA and datadir, the data folder (default SRC_DIR/data), as an absolute path.
catalogue_args() {
  local catalogue=$1 data=$2
  shift 2
  if [ $# -ne 2 ]; then
    echo "usage: $0 SRC_DIR LRLAB_BIN" >&2
    exit 2
  fi
  src=$(cd "$1" && pwd) || exit 2
  bin=$2
  case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
  [ -x "$bin" ] || { echo "FAIL: $bin is not an executable" >&2; exit 2; }
  expected=$src/tests/$catalogue/expected.txt
  [ -f "$expected" ] || { echo "FAIL: $expected is missing" >&2; exit 2; }
  [ "$data" = 1 ] || return 0
  datadir=${LRLAB_DATA:-$src/data}
  datadir=$(cd "$datadir" 2>/dev/null && pwd) || { echo "FAIL: no data folder $datadir" >&2; exit 2; }
  export LRLAB_DATA=$datadir
}

# check_refusal NAME RC WANT_RC WANT [CMD]: the exit code RC is WANT_RC, the first stderr
# line is WANT, at most a `hint:` line follows it, and stdout is empty. Calls the caller's
# `fail NAME WHY [FILE]` for each broken rule (naming CMD when given) and returns 1 if any
# broke, 0 otherwise.
check_refusal() {
  local name=$1 rc=$2 want_rc=$3 want=$4 cmd=${5:+: $5} broke=0 got nlines
  got=$(head -n 1 "$tmp/stderr")
  nlines=$(awk 'END { print NR }' "$tmp/stderr")
  if [ "$rc" != "$want_rc" ]; then
    fail "$name" "exit code $rc (expected $want_rc)$cmd" "$tmp/stderr"; broke=1
  fi
  if [ "$got" != "$want" ]; then
    printf -- '- %s\n+ %s\n' "$want" "$got" > "$tmp/diff"
    fail "$name" "first stderr line differs (- expected, + got)$cmd" "$tmp/diff"; broke=1
  fi
  if [ "$nlines" -gt 2 ]; then
    fail "$name" "stderr has $nlines lines (expected the message and at most a hint)" "$tmp/stderr"
    broke=1
  elif [ "$nlines" -eq 2 ] && ! sed -n 2p "$tmp/stderr" | grep -q '^hint: '; then
    fail "$name" "second stderr line is not a hint" "$tmp/stderr"; broke=1
  fi
  if [ -s "$tmp/stdout" ]; then fail "$name" "stdout is not empty" "$tmp/stdout"; broke=1; fi
  return $broke
}

# check_catalogue EXPECTED FORM DESC DEFINED: the lines of EXPECTED (comments and blank lines
# aside; written to $tmp/expected for the caller) all match the grep pattern FORM (DESC says
# it in words), list each case once, and list exactly the cases named in the file DEFINED (one
# a line, sorted). Calls the caller's `fail` for each broken rule.
check_catalogue() {
  local expected=$1 form=$2 desc=$3 defined=$4
  grep -v '^#' "$expected" | grep -v '^$' > "$tmp/expected"
  if grep -qv "$form" "$tmp/expected"; then
    grep -nv "$form" "$tmp/expected" > "$tmp/bad"
    fail expected.txt "lines not of the form $desc" "$tmp/bad"
  fi
  cut -f1 "$tmp/expected" | sort > "$tmp/listed"
  sort -u "$tmp/listed" | cmp -s - "$tmp/listed" ||
    { uniq -d "$tmp/listed" > "$tmp/dups"; fail expected.txt "cases listed twice" "$tmp/dups"; }
  comm -23 "$defined" "$tmp/listed" > "$tmp/unlisted"
  comm -13 "$defined" "$tmp/listed" | sort -u > "$tmp/missing"
  [ -s "$tmp/unlisted" ] && fail expected.txt "cases without an expected line" "$tmp/unlisted"
  [ -s "$tmp/missing" ] && fail expected.txt "expected lines without a case" "$tmp/missing"
  return 0
}

# mirror_data REL: $c/data as symlinks to the real data folder ($datadir), with REL's folder
# real and REL itself removed, so that the caller can put something else in REL's place
# without touching the real data.
mirror_data() {
  local rel=$1 d=$c/data
  mkdir -p "$d"
  for e in "$datadir"/*; do ln -s "$e" "$d/$(basename "$e")"; done
  local dir=${rel%/*}
  if [ "$dir" != "$rel" ]; then
    rm "$d/$dir"
    mkdir "$d/$dir"
    for e in "$datadir/$dir"/*; do ln -s "$e" "$d/$dir/$(basename "$e")"; done
  fi
  rm "$d/$rel"
}
