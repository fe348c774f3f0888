#!/usr/bin/env bash
# trace_cli.sh - `lrlab trace` end to end: CSV shape, numbers in their shortest round-trip
# form, the step/metric alignment on the GreedyLR golden case, every registered closed-form
# scheduler traceable with its defaults, its input errors (exit 2, one line: an unknown
# scheduler lists the registry's names; a scheduler that observes a signal needs --metrics),
# and --plot: a PNG (magic bytes) replaced whole, the CSV unchanged, no temporary file left,
# and hostile file names (quotes, newlines, $(...), backquotes, pipes, every byte 1-255 but /)
# drawn under their own name or refused, never run.
# usage: trace_cli.sh LRLAB_BIN
set -euo pipefail
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$bin" trace cosine --set T_max=4 --lr 0.1 --steps 6)
[ "$(echo "$out" | head -1)" = "step,lr" ] || fail "header"
[ "$(echo "$out" | wc -l)" -eq 7 ] || fail "row count"
[ "$(echo "$out" | sed -n 2p)" = "0,0.1" ] || fail "row 0 is the initial lr"
# the shortest text that reads back as the same double: 0.1, not 0.10000000000000001; 16 or
# 17 digits where fewer would read back as another double
[ "$(echo "$out" | sed -n 3p)" = "1,0.08535533905932738" ] || fail "row 1: $(echo "$out" | sed -n 3p)"
[ "$(echo "$out" | sed -n 7p)" = "5,0.014644660940672617" ] || fail "row 5: $(echo "$out" | sed -n 7p)"
# (Python's repr is the shortest round-trip text: the same significant digits, for every row)
echo "$out" | tail -n +2 | python3 -c '
import re, sys
digits = lambda t: re.sub(r"e.*$", "", t).replace(".", "").lstrip("0-") or "0"
for row in sys.stdin:
    i, x = row.strip().split(",")
    if float(x) != float(repr(float(x))) or len(digits(x)) != len(digits(repr(float(x)))):
        sys.exit("row %s: %s is not the shortest text of its double (%r)" % (i, x, float(x)))
' || fail "a trace number is not in its shortest form"
[ "$(echo "$out" | sed -n 6p)" = "4,0" ] || fail "cosine at T_max"

# paper/paper.md section 2.3: metrics 5,10,10,10,10 -> 0.09 after the fifth; row i+1 sees metrics 0..i
printf '5\n10\n10\n10\n10\n' > "$tmp/m"
out=$("$bin" trace greedy --set factor=0.9 --set patience=3 --set min_lr=1e-6 --lr 0.1 --steps 6 --metrics "$tmp/m")
[ "$(echo "$out" | sed -n 6p)" = "4,0.1" ] || fail "greedy row 4: $out"
[ "$(echo "$out" | sed -n 7p)" = "5,0.09000000000000001" ] || fail "greedy row 5: $out"

# warmup-stable-decay: 10 steps up from 0, 50 at the lr, a cosine decay over the last 40
out=$("$bin" trace wsd --set num_warmup_steps=10 --set num_stable_steps=50 --set num_decay_steps=40 --lr 0.1 --steps 100)
[ "$(echo "$out" | wc -l)" -eq 101 ] || fail "wsd: row count"
[ "$(echo "$out" | sed -n 2p)" = "0,0" ] || fail "wsd: warmup from 0: $(echo "$out" | sed -n 2p)"
[ "$(echo "$out" | sed -n '12p;61p' | tr '\n' ' ')" = "10,0.1 59,0.1 " ] ||
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
names=$("$bin" list schedulers | awk '/^  [a-z_0-9]+ / && $1 != "keys" { print $1 }' | paste -sd, | sed 's/,/, /g')
expect_err "nosuch: unknown scheduler (expected one of $names)" nosuch --lr 0.1 --steps 3
# a scheduler that observes a signal, alone or in a sequence, is refused without --metrics
expect_err "greedy: observes a loss signal (expected --metrics FILE" greedy --lr 0.1 --steps 3
expect_err "plateau: observes a loss signal (expected --metrics FILE" plateau --lr 0.1 --steps 3
expect_err "sequential: its scheduler greedy observes a loss signal (expected --metrics FILE" \
  sequential --set 'schedulers=cosine{}|greedy{}' --lr 0.1 --steps 3
"$bin" trace sequential --set 'schedulers=linear{}|cosine{}' --lr 0.1 --steps 3 > /dev/null \
  || fail "a sequence of closed-form schedulers needs no --metrics"
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

# ---- --plot FILE.png ----
is_png() { head -c 8 "$1" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'; }
export TMPDIR=$tmp/private # gnuplot's script goes there, and is removed
mkdir "$TMPDIR" "$tmp/p"
"$bin" trace cosine --set T_max=40 --lr 0.1 --steps 50 --plot "$tmp/p/c.png" > "$tmp/c.csv" \
  || fail "--plot cosine"
is_png "$tmp/p/c.png" || fail "--plot: not a PNG"
"$bin" trace cosine --set T_max=40 --lr 0.1 --steps 50 | cmp -s - "$tmp/c.csv" || fail "--plot changed the CSV"
printf '5\n10\n10\n10\n10\n' > "$tmp/m"
"$bin" trace greedy --set patience=3 --lr 0.1 --steps 6 --metrics "$tmp/m" --plot "$tmp/p/g.png" \
  > /dev/null || fail "--plot with --metrics"
is_png "$tmp/p/g.png" || fail "--plot with --metrics: not a PNG"
(cd "$tmp/p" && "$bin" trace constant --lr 0.1 --steps 5 --plot c.png > /dev/null) || fail "--plot: a relative name over a PNG"
is_png "$tmp/p/c.png" || fail "--plot: the replaced PNG"
[ "$(ls -A "$tmp/p" | tr '\n' ' ')" = "c.png g.png " ] || fail "--plot left files: $(ls -A "$tmp/p")"
[ -z "$(ls -A "$TMPDIR")" ] || fail "--plot left its temporary folder: $(ls -A "$TMPDIR")"
ln -s c.png "$tmp/p/link.png"
expect_err "--plot: $tmp/p/link.png: a symbolic link" cosine --lr 0.1 --steps 5 --plot "$tmp/p/link.png"
[ "$(readlink "$tmp/p/link.png")" = c.png ] || fail "--plot replaced a link"
expect_err "--plot: $tmp/p/none: missing folder" cosine --lr 0.1 --steps 5 --plot "$tmp/p/none/x.png"
expect_err "--plot: invalid value (expected a file name ending in .png, got $tmp/p/x.svg)" \
  cosine --lr 0.1 --steps 5 --plot "$tmp/p/x.svg"
mkdir "$tmp/p/d.png"
expect_err "--plot: $tmp/p/d.png: not a regular file" cosine --lr 0.1 --steps 5 --plot "$tmp/p/d.png"
expect_err "--plot: too many steps to draw (expected --steps at most 1000000 with --plot, got 1000001)" \
  cosine --lr 0.1 --steps 1000001 --plot "$tmp/p/x.png"
expect_err "--plot: missing value" cosine --lr 0.1 --steps 5 --plot
[ ! -e "$tmp/p/x.png" ] || fail "a refused --plot wrote its file"

# hostile file names: drawn under their own name (the only file in the folder) or refused
# with one line; no file PWNED* appears (each payload would make one if a shell or gnuplot ran
# it), and nothing is left in the private folder
nl=$'\n'
hostile=("q'uote" "q\"uote" "new${nl}line" '$(touch PWNED)' '`touch PWNED`' '|touch PWNED' '<touch PWNED'
         '-o' $'o\\\n!touch PWNED' $'o\r!touch PWNED\r' "o'${nl}system(\"touch PWNED\")${nl}'"
         "o\"${nl}system('touch PWNED')${nl}\"" 'o@x $data #;' "o'';!touch PWNED")
g=""
for b in $(seq 1 255); do # every byte but / (and NUL), 32 to a name
  [ "$b" = 47 ] && continue
  g+=$(printf "\\$(printf '%03o' "$b")")
  [ "$b" = 10 ] && g+=$nl
  if [ ${#g} -ge 32 ] || [ "$b" = 255 ]; then hostile+=("o$g"); g=""; fi
done
k=0 drawn=0
for name in "${hostile[@]}"; do
  k=$((k + 1))
  h=$tmp/h$k
  mkdir "$h"
  rc=0
  (cd "$h" && "$bin" trace cosine --lr 0.1 --steps 20 --plot "$name.png") > /dev/null 2> "$tmp/e" || rc=$?
  if [ $rc -eq 0 ]; then
    drawn=$((drawn + 1))
    [ -f "$h/$name.png" ] && is_png "$h/$name.png" || fail "hostile name $k: no PNG under its name"
    [ "$(find "$h" -mindepth 1 -printf x | wc -c)" -eq 1 ] || fail "hostile name $k: other files: $(ls -A "$h" | cat -A)"
  else
    [ $rc -eq 2 ] && [ "$(wc -l < "$tmp/e")" -eq 1 ] || fail "hostile name $k: exit $rc: $(cat -A "$tmp/e")"
    [ -z "$(ls -A "$h")" ] || fail "hostile name $k: refused but wrote $(ls -A "$h" | cat -A)"
  fi
done
[ -z "$(find "$tmp" -name 'PWNED*')" ] || fail "a hostile name ran a command: $(find "$tmp" -name 'PWNED*')"
[ -z "$(ls -A "$TMPDIR")" ] || fail "--plot left its temporary folder: $(ls -A "$TMPDIR")"
echo "trace: ok ($drawn of ${#hostile[@]} hostile file names drawn, the others refused)"
