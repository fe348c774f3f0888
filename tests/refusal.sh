# refusal.sh - sourced by the bad-input catalogues (run_bad_configs.sh, hostile.sh): the rules
# every refused input must meet, read from $tmp/stdout and $tmp/stderr of its run.
#
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
