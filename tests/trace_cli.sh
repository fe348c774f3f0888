#!/usr/bin/env bash
# trace_cli.sh - `lrlab trace` end to end: CSV shape, the step/metric alignment on the GreedyLR
# golden case, every registered closed-form scheduler traceable with its defaults, and its
# input errors (exit 2, one line).
# usage: trace_cli.sh LRLAB_BIN
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$bin" trace cosine --set T_max=4 --lr 0.1 --steps 6)
[ "$(echo "$out" | head -1)" = "step,lr" ] || fail "header"
[ "$(echo "$out" | wc -l)" -eq 7 ] || fail "row count"
[ "$(echo "$out" | sed -n 2p)" = "0,0.10000000000000001" ] || fail "row 0 is the initial lr"
[ "$(echo "$out" | sed -n 6p)" = "4,0" ] || fail "cosine at T_max"

# paper/paper.md section 2.3: metrics 5,10,10,10,10 -> 0.09 after the fifth; row i+1 sees metrics 0..i
printf '5\n10\n10\n10\n10\n' > "$tmp/m"
out=$("$bin" trace greedy --set factor=0.9 --set patience=3 --set min_lr=1e-6 --lr 0.1 --steps 6 --metrics "$tmp/m")
[ "$(echo "$out" | sed -n 6p)" = "4,0.10000000000000001" ] || fail "greedy row 4: $out"
[ "$(echo "$out" | sed -n 7p)" = "5,0.090000000000000011" ] || fail "greedy row 5: $out"

# warmup-stable-decay: 10 steps up from 0, 50 at the lr, a cosine decay over the last 40
out=$("$bin" trace wsd --set num_warmup_steps=10 --set num_stable_steps=50 --set num_decay_steps=40 --lr 0.1 --steps 100)
[ "$(echo "$out" | wc -l)" -eq 101 ] || fail "wsd: row count"
[ "$(echo "$out" | sed -n 2p)" = "0,0" ] || fail "wsd: warmup from 0: $(echo "$out" | sed -n 2p)"
[ "$(echo "$out" | sed -n '12p;61p' | tr '\n' ' ')" = "10,0.10000000000000001 59,0.10000000000000001 " ] ||
  fail "wsd: stable phase"
# the cosine decay's last step, within 1e-12 relative (libm's cos may differ in its last bit
# between its FMA and non-FMA code paths)
echo "$out" | sed -n 101p | awk -F, '$1 == 99 { d = $2 / 0.00015413331334360181 - 1; exit !(d < 1e-12 && d > -1e-12) } { exit 1 }' \
  || fail "wsd: last step: $(echo "$out" | sed -n 101p) (expected 99,0.00015413331334360181)"

# every scheduler that needs nothing but the step traces with its defaults
"$bin" list schedulers | awk '/^  [a-z_0-9]+ / && $1 != "keys" { print $1 }' > "$tmp/names"
[ -s "$tmp/names" ] || fail "no schedulers listed"
while read -r name; do
  rc=0
  "$bin" trace "$name" --lr 0.1 --steps 50 --metrics <(seq 50 -1 1) > "$tmp/t" 2> "$tmp/err" || rc=$?
  if [ $rc -eq 0 ]; then
    [ "$(wc -l < "$tmp/t")" -eq 51 ] || fail "$name: rows"
  else
    [ $rc -eq 2 ] && grep -q "needs" "$tmp/err" || fail "$name: exit $rc: $(cat "$tmp/err")"
  fi
done < "$tmp/names"

expect_err() { # expect_err PATTERN ARGS...: exit 2, one line on stderr matching PATTERN
  local pat=$1; shift
  rc=0
  "$bin" trace "$@" > "$tmp/o" 2> "$tmp/e" || rc=$?
  [ $rc -eq 2 ] || fail "exit $rc for: $*"
  [ "$(wc -l < "$tmp/e")" -eq 1 ] || fail "not one line for: $*: $(cat "$tmp/e")"
  grep -q -- "$pat" "$tmp/e" || fail "message for: $*: $(cat "$tmp/e")"
  [ ! -s "$tmp/o" ] || fail "stdout written for: $*"
}
expect_err "unknown scheduler" nosuch --lr 0.1 --steps 3
expect_err "factor: invalid value (expected number in (0, 1), got 2)" greedy --set factor=2 --lr 0.1 --steps 3
expect_err "factor: invalid value" greedy --set factor=nan --lr 0.1 --steps 3
expect_err "unknown key" cosine --set Tmax=3 --lr 0.1 --steps 3
expect_err "expected key=value" cosine --set T_max --lr 0.1 --steps 3
expect_err "--lr: invalid value" cosine --lr 0 --steps 3
expect_err "--lr: invalid value" cosine --lr -1 --steps 3
expect_err "--steps: invalid value" cosine --lr 0.1 --steps 0
expect_err "missing --steps" cosine --lr 0.1
expect_err "unknown option" cosine --lr 0.1 --steps 3 --bogus 1
expect_err "num_decay_steps: the phases end after the run" wsd --set num_stable_steps=50 --set num_decay_steps=60 --lr 0.1 --steps 100
expect_err "min_lr: above max_lr" greedy --set min_lr=0.5 --set max_lr=0.2 --lr 0.3 --steps 3
printf '1\nabc\n' > "$tmp/bad"
expect_err "$tmp/bad:2: not a number" greedy --lr 0.1 --steps 3 --metrics "$tmp/bad"
printf '1\n' > "$tmp/short"
expect_err "1 metrics for 5 steps" greedy --lr 0.1 --steps 5 --metrics "$tmp/short"
expect_err "cannot open" greedy --lr 0.1 --steps 5 --metrics "$tmp/none"
echo "trace: ok"
