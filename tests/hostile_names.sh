#!/usr/bin/env bash
# hostile_names.sh - hostile names and paths: labels, experiment and policy names,
# output folders, result folders and report folders made to end a gnuplot string, run a
# command through gnuplot or place a file outside lrlab's own folder.
#
# What: four parts.
#  1. The catalogue tests/hostile_names/expected.txt, one case a line NAME<TAB>EXIT<TAB>MESSAGE
#     as in tests/hostile.sh: NAME.lua is run as `lrlab run tests/hostile_names/NAME --out
#     {tmp}/out` (`lrlab train-policy` when NAME starts with policy_); the other NAMEs are
#     received result folders or policy files with one name crafted, defined below. Each must
#     exit with EXIT, print exactly MESSAGE as its one stderr line and write nothing.
#  2. Every byte value 1-255 in a label, inside it and first (`lrlab run --check`): a byte of
#     the rule for names (harness/base/names.h) is accepted, any other refused with one line that
#     says so; nothing is written either way.
#  3. Labels at the edge of the rule (63 bytes, every punctuation it allows) run end to end,
#     through lrlab report: every figure lands in its folder under the label's own name.
#  4. Every byte value 1-255 (but /) in the name of --out, of the folder given to lrlab report
#     and of its --paper folder, in groups and in payloads that end gnuplot strings and
#     comments (quotes, backquotes, newlines, CRs, @, $, |, <, \): each run either succeeds
#     or is refused with one line and nothing written.
# In every case of every part, no file named PWNED* appears anywhere (each payload would
# create one if gnuplot ran it) and nothing appears, changes or goes outside the folder the
# command was given to write.
# Why: the rule that labels, paths and result folders are untrusted input; nothing from
# them reaches a gnuplot script unescaped or names a file outside the output folder.
# Needs: gnuplot, as lrlab run does. HN_PRINT=FILE appends each catalogue case's name, exit
# code and first stderr line (in expected.txt's form) to FILE: to review a deliberate change
# of a message.
#
# usage: hostile_names.sh SRC_DIR LRLAB_BIN
set -u
export LC_ALL=C

# shellcheck source=tests/refusal.sh
. "$(dirname "${BASH_SOURCE[0]}")/refusal.sh"
catalogue_args hostile_names 0 "$@"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-names.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
c=$tmp/c # the scratch folder of the case running, {tmp} in expected.txt
cd "$src" || exit 2

fails=0 passes=0
fail() { # NAME WHY [FILE]
  echo "FAIL $1: $2"
  if [ $# -ge 3 ] && [ -s "$3" ]; then head -n 20 "$3" | cat -A | cut -c1-300 | sed 's/^/    /'; fi
  fails=$((fails + 1))
}

# snapshot [PREFIX...]: every path under $c with its size and checksum, NUL-separated and
# sorted, except the paths that start with one of the PREFIXes (literal text, whatever bytes)
snapshot() {
  local p skip q
  (cd "$c" && find . -mindepth 1 -print0) | sort -z | while IFS= read -r -d '' p; do
    skip=0
    for q in "$@"; do [[ $p == "./$q"* ]] && skip=1; done
    [ $skip = 1 ] && continue
    if [ -f "$c/$p" ]; then printf '%s %s\0' "$p" "$(cksum < "$c/$p")"; else printf '%s\0' "$p"; fi
  done
}

# pwned NAME: fails NAME if a payload ran (a PWNED* file anywhere in the scratch tree or /tmp)
pwned() {
  local hit
  hit=$(find "$tmp" /tmp/PWNED* -maxdepth 0 -name 'PWNED*' 2>/dev/null; find "$tmp" -name 'PWNED*' 2>/dev/null)
  if [ -n "$hit" ]; then
    fail "$1" "a command ran: $(printf '%s' "$hit" | head -n 1)"
    find "$tmp" -name 'PWNED*' -exec rm -f {} + 2>/dev/null
    return 1
  fi
  return 0
}

fresh() { rm -rf "$c"; mkdir -p "$c"; }

# ---- fixtures: a tiny experiment (two schedulers, lrlab report's reference among them) ----
tiny=$tmp/tiny.lua
cat > "$tiny" << 'EOF'
experiment { name = "tiny", seeds = { 1, 2 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" {} } }
EOF
for spec in "ref 1/1" "s1 1/2" "s2 2/2"; do
  set -- $spec
  if ! "$bin" run "$tiny" --out "$tmp/$1" --shard "$2" -j 1 --quiet > "$tmp/setup.log" 2>&1; then
    cat "$tmp/setup.log"; echo "FAIL setup: lrlab run tiny.lua --shard $2"; exit 1
  fi
done
"$bin" compare "$tmp/ref" > /dev/null 2>&1 || { echo "FAIL setup: lrlab compare"; exit 1; }

# ---- part 1: the catalogue ----
# csv_set FILE LINE COL VALUE: the CSV file FILE with field COL (1-based) of line LINE set to
# VALUE, CSV-quoted (so a newline or a quote stays inside the field)
csv_set() {
  local file=$1 line=$2 col=$3 value=$4
  V=$value awk -v L="$line" -v C="$col" 'BEGIN { FS = OFS = ","; V = ENVIRON["V"]; gsub(/"/, "\"\"", V) }
    NR == L { $C = "\"" V "\"" } { print }' "$file" > "$file.new" && mv "$file.new" "$file"
}
copy_ref() { cp -r "$tmp/ref" "$c/r"; }
copy_shards() { cp -r "$tmp/s1" "$c/s1"; cp -r "$tmp/s2" "$c/s2"; }
nl=$'\n'
define() { # NAME: prepare $c for the case and set cmd (an array)
  case $1 in
    report-plan-task-newline-system)
      copy_ref; csv_set "$c/r/plan.csv" 2 4 "x'${nl}system(\"touch PWNED\")${nl}'"
      cmd=("$bin" report "$c/r") ;;
    report-plan-scheduler-backquote)
      copy_ref; csv_set "$c/r/plan.csv" 3 6 '`touch PWNED`'; cmd=("$bin" report "$c/r") ;;
    report-plan-optimizer-dotdot)
      copy_ref; csv_set "$c/r/plan.csv" 2 5 '../../escape'; cmd=("$bin" report "$c/r") ;;
    report-plan-experiment-64)
      copy_ref; csv_set "$c/r/plan.csv" 2 3 "$(printf 'e%.0s' {1..64})"; cmd=("$bin" report "$c/r") ;;
    report-plan-task-empty)
      copy_ref; csv_set "$c/r/plan.csv" 2 4 ''; cmd=("$bin" report "$c/r") ;;
    merge-plan-scheduler-slash)
      copy_shards; csv_set "$c/s1/plan.csv" 2 6 'a/b'; cmd=("$bin" merge "$c/out" "$c/s1" "$c/s2") ;;
    merge-plan-scheduler-dquote-system)
      copy_shards; csv_set "$c/s2/plan.csv" 3 6 "x\"${nl}system('touch PWNED')${nl}\""
      cmd=("$bin" merge "$c/out" "$c/s1" "$c/s2") ;;
    merge-plan-task-cr)
      copy_shards; csv_set "$c/s1/plan.csv" 2 4 $'x\r!touch PWNED'; cmd=("$bin" merge "$c/out" "$c/s1" "$c/s2") ;;
    report-comparisons-baseline-newline)
      copy_ref; csv_set "$c/r/comparisons.csv" 3 5 "constant${nl}\`touch PWNED\`"; cmd=("$bin" report "$c/r") ;;
    report-ranks-scheduler-slash)
      copy_ref; csv_set "$c/r/ranks.csv" 2 2 '../ranks'; cmd=("$bin" report "$c/r") ;;
    compare-runs-scheduler-quote)
      copy_ref; csv_set "$c/r/runs.csv" 2 5 "it's${nl}@x"; cmd=("$bin" compare "$c/r") ;;
    compare-runs-task-1000)
      copy_ref; csv_set "$c/r/runs.csv" 2 3 "$(printf 't%.0s' {1..1000})"; cmd=("$bin" compare "$c/r") ;;
    policy-name-dotdot)
      sed 's/^name tiny$/name ..\/..\/escape/' tests/fixtures/rl/tiny.policy > "$c/bad.policy"
      printf 'experiment { name = "p", seeds = { 1 },\n  tasks = { task "nmf" { dataset = "synthetic", steps = 20 } },\n  optimizers = { optimizer "sgd" { lr = 0.5 } },\n  schedulers = { scheduler "rl" { policy = "%s" } } }\n' "$c/bad.policy" > "$c/p.lua"
      cmd=("$bin" run "$c/p.lua" --check --out "$c/out") ;;
    policy-family-backquote)
      sed 's/^family nmf$/family nmf`touch`/' tests/fixtures/rl/tiny.policy > "$c/bad.policy"
      printf 'experiment { name = "p", seeds = { 1 },\n  tasks = { task "nmf" { dataset = "synthetic", steps = 20 } },\n  optimizers = { optimizer "sgd" { lr = 0.5 } },\n  schedulers = { scheduler "rl" { policy = "%s" } } }\n' "$c/bad.policy" > "$c/p.lua"
      cmd=("$bin" run "$c/p.lua" --check --out "$c/out") ;;
    *.lua)
      local sub=run
      case $1 in policy_*) sub=train-policy ;; esac
      cmd=("$bin" "$sub" "tests/hostile_names/$1" --out "$c/out") ;;
    *) return 1 ;;
  esac
}

listed=0
while IFS=$'\t' read -r name want_rc want; do
  [ -z "$name" ] && continue
  case $name in \#*) continue ;; esac
  listed=$((listed + 1))
  fresh
  if ! define "$name"; then fail "$name" "no such case (not a .lua and not defined in $0)"; continue; fi
  case $name in *.lua) [ -f "tests/hostile_names/$name" ] || { fail "$name" "no such file"; continue; } ;; esac
  before=$(snapshot | tr '\0' '\n' | cksum)
  timeout 60 "${cmd[@]}" > "$tmp/stdout" 2> "$tmp/stderr"
  rc=$?
  want=${want//\{tmp\}/$c}
  [ -n "${HN_PRINT:-}" ] && { g=$(head -n 1 "$tmp/stderr"); printf '%s\t%s\t%s\n' "$name" "$rc" "${g//$c/\{tmp\}}" >> "$HN_PRINT"; }
  ok=1
  check_refusal "$name" "$rc" "$want_rc" "$want" || ok=0
  after=$(snapshot | tr '\0' '\n' | cksum)
  [ "$before" = "$after" ] || { fail "$name" "files were written or changed"; ok=0; }
  pwned "$name" || ok=0
  [ $ok = 1 ] && passes=$((passes + 1))
done < "$expected"
for f in tests/hostile_names/*.lua; do
  grep -q "^$(basename "$f")	" "$expected" || fail "$(basename "$f")" "not listed in expected.txt"
done

# ---- part 2: every byte value in a label (lrlab run --check writes nothing) ----
byte_ok=0 byte_refused=0
for pos in inside first; do
  for b in $(seq 1 255); do
    fresh
    oct=$(printf '%03o' "$b")
    if [ $pos = inside ]; then expr="\"a\" .. string.char($b) .. \"z\""; else expr="string.char($b) .. \"a\""; fi
    printf 'experiment { name = "bytes", seeds = { 1 },\n  tasks = { task "quadratic" { steps = 20, label = %s } },\n  optimizers = { optimizer "sgd" { lr = 0.01 } },\n  schedulers = { scheduler "constant" {} } }\n' "$expr" > "$c/b.lua"
    before=$(snapshot | tr '\0' '\n' | cksum)
    "$bin" run "$c/b.lua" --check --out "$c/out" > "$tmp/stdout" 2> "$tmp/stderr"
    rc=$?
    after=$(snapshot | tr '\0' '\n' | cksum)
    ch=$(printf "\\$oct")
    valid=0
    case $pos in
      inside) [[ $b -lt 128 && $ch =~ ^[A-Za-z0-9_.+=-]$ ]] && valid=1 ;;
      first) [[ $b -lt 128 && $ch =~ ^[A-Za-z0-9_]$ ]] && valid=1 ;;
    esac
    n="label-byte-$pos-$b"
    if [ $valid = 1 ]; then
      if [ $rc -ne 0 ]; then fail "$n" "refused (expected accepted: byte $b is in the rule for names)" "$tmp/stderr"; continue; fi
      byte_ok=$((byte_ok + 1))
    else
      if [ $rc -ne 2 ] || [ "$(awk 'END { print NR }' "$tmp/stderr")" -ne 1 ] ||
         ! grep -q ': task "quadratic": label: invalid name (expected 1 to 63 characters of' "$tmp/stderr" ||
         [ -s "$tmp/stdout" ]; then
        fail "$n" "exit $rc (expected 2 and one line: label: invalid name)" "$tmp/stderr"; continue
      fi
      byte_refused=$((byte_refused + 1))
    fi
    [ "$before" = "$after" ] || { fail "$n" "files were written by --check"; continue; }
    passes=$((passes + 1))
  done
done
echo "label bytes: $byte_ok accepted, $byte_refused refused"
# inside: 52 letters, 10 digits and - _ . + =; first: letters, digits and _
[ $byte_ok = $((67 + 63)) ] || fail label-bytes "accepted $byte_ok byte cases (expected 67 inside and 63 first)"

# ---- part 3: labels at the edge of the rule, end to end ----
fresh
long=$(printf 'L%.0s' {1..62})x # 63 bytes
cat > "$c/edge.lua" << EOF
experiment { name = "Edge_1.0+b=c-d", seeds = { 1, 2 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10, label = "$long" } },
  optimizers = { optimizer "sgd" { lr = 0.01, label = "s_g.d+1=2-x" } },
  schedulers = { scheduler "constant" { label = "0.5" }, scheduler "greedy" {} } }
EOF
before=$(snapshot edge | tr '\0' '\n' | cksum)
if ! "$bin" run "$c/edge.lua" --out "$c/edge" -j 1 --quiet > "$tmp/stdout" 2> "$tmp/stderr"; then
  fail edge-labels-run "lrlab run failed" "$tmp/stderr"
elif [ ! -f "$c/edge/figures/${long}__s_g.d+1=2-x.png" ]; then
  fail edge-labels-run "no figure figures/${long}__s_g.d+1=2-x.png" 
elif ! "$bin" report "$c/edge" > "$tmp/stdout" 2> "$tmp/stderr"; then
  fail edge-labels-report "lrlab report failed" "$tmp/stderr"
elif [ ! -f "$c/edge/report/figures/lr__${long}.pdf" ] || ! grep -qF 's\_g.d+1=2-x' "$c/edge/report/tables/"*.md ||
     ! grep -qF 'title "0.5"' "$c/edge/report/figures/valloss__${long}.gp"; then
  fail edge-labels-report "no figure lr__${long}.pdf, or a label missing in a table or a legend"
elif [ "$before" != "$(snapshot edge | tr '\0' '\n' | cksum)" ]; then
  fail edge-labels "files outside the output folder"
else
  passes=$((passes + 2))
fi
pwned edge-labels

# ---- part 4: hostile bytes in --out, in report's folder and in its --paper ----
# groups: every byte 1-255 but / (and .), 32 to a name; then payloads
names=()
g=""
for b in $(seq 1 255); do
  [ $b = 47 ] && continue
  g+=$(printf "\\$(printf '%03o' "$b")")
  [ $b = 10 ] && g+=$'\n' # $(...) drops a trailing newline: put it back
  if [ ${#g} -ge 32 ] || [ $b = 255 ]; then names+=("o$g"); g=""; fi
done
names+=("o'${nl}system(\"touch PWNED\")${nl}'" "o\"${nl}system('touch PWNED')${nl}\"" 'o`touch PWNED`'
        'o\' $'o\\\n!touch PWNED' $'o\r!touch PWNED\r' 'o@x $data #;' '<touch PWNED' '|touch PWNED'
        '-o' "o'';!touch PWNED")
# path_case CASE DIR FIGURE WRITTEN WHAT CMD...: CMD run in $c (after the caller's set-up) must
# draw (exit 0, a file matching the pattern FIGURE exists in the folder DIR, taken literally) or refuse (exit 2, one line and a hint
# at most, WRITTEN not created); either way nothing outside WHAT (the folder named $name)
# changes and no command of the name runs.
path_case() {
  local n=$1 dir=$2 figure=$3 written=$4 what=$5 before rc ok=1
  shift 5
  before=$(snapshot "$name" | tr '\0' '\n' | cksum)
  (cd "$c" && "$@") > "$tmp/stdout" 2> "$tmp/stderr"
  rc=$?
  [ $rc = 0 ] && drawn=$((drawn + 1)) || refused=$((refused + 1))
  if [ $rc = 0 ]; then
    # shellcheck disable=SC2086 # FIGURE is a pattern
    ls "$dir"/$figure > /dev/null 2>&1 || { fail "$n" "no figure in the $what"; ok=0; }
  elif [ $rc != 2 ] || [ "$(awk 'END { print NR }' "$tmp/stderr")" -gt 2 ] || [ -e "$written" ]; then
    fail "$n" "exit $rc (expected 0, or 2 with one line and nothing written)" "$tmp/stderr"; ok=0
  fi
  [ "$before" = "$(snapshot "$name" | tr '\0' '\n' | cksum)" ] || { fail "$n" "files outside the $what"; ok=0; }
  pwned "$n" || ok=0
  [ $ok = 1 ] && passes=$((passes + 1))
  return 0
}
k=0 drawn=0 refused=0
for name in "${names[@]}"; do
  k=$((k + 1))
  # lrlab run --out NAME
  fresh
  path_case "out-name-$k" "$c/$name/figures" "*.png" "$c/$name" "output folder" \
    "$bin" run "$tiny" --out "$name" -j 1 --quiet
  # lrlab report NAME, NAME a received result folder
  fresh
  cp -r "$tmp/ref" "$c/$name"
  path_case "report-folder-name-$k" "$c/$name/report/figures" valloss__quadratic.pdf \
    "$c/$name/report" "result folder" "$bin" report "$name"
  # lrlab report r --paper NAME
  fresh
  cp -r "$tmp/ref" "$c/r"
  path_case "report-paper-name-$k" "$c/$name/figures" valloss__quadratic.png \
    "$c/$name" "paper folder" "$bin" report r --paper "$name"
done

echo "hostile folder names: $drawn runs drew their figures, $refused were refused"
echo "hostile names: $passes passed, $fails failed ($listed catalogue cases, 510 label bytes, ${#names[@]} names x 3 for --out and report)"
[ "$fails" -eq 0 ]
