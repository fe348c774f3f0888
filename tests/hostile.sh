#!/usr/bin/env bash
# hostile.sh - the hostile-input catalogue: experiment scripts that attack the Lua
# sandbox, corrupted data files, corrupted result folders fed to merge and compare, and
# command-line mistakes. Every case must end within seconds, without a signal, with its exit
# code (2, or 1 for a run failure), nothing on stdout, one exact `lrlab: ...` line on stderr
# (plus at most a `hint:` line), and nothing written.
#
# What: tests/hostile/expected.txt lists the cases, one a line: NAME<TAB>EXIT<TAB>MESSAGE.
# A NAME ending in .lua is the script tests/hostile/NAME, run as
# `lrlab run tests/hostile/NAME --out {tmp}/out`; every other NAME is defined below (data-*:
# a copy of the data folder with one file corrupted; compare-* and merge-*: a copy of a small
# result folder with one file corrupted; cli-*: a command line). MESSAGE is the exact first
# stderr line, where {tmp} stands for the case's scratch folder and {data} for {tmp}/data
# ({curves_fnv}: the curve hash a fixture's cell file records).
# Each case runs from SRC_DIR in a fresh scratch folder; "nothing written" means the scratch
# folder holds the same files with the same bytes before and after (so the output folder
# never appears and no input is touched). The catalogue and expected.txt must match one to
# one. "Within seconds": at most 10 s of CPU time (20 s for the cases that end in the
# CPU-time watchdog of harness/base/watchdog.h, 10 s), measured rather than wall time so that a
# loaded machine or a sanitizer build does not fail the test; after 60 s of wall time a case
# counts as hung.
# Why: researchers run scripts written by others and move result folders between machines;
# lrlab must refuse all of it with a message that names the file, line or option
# (one line, exit code 2, nothing written), never crash, hang or escape the sandbox.
# Needs: the data sets (bash scripts/fetch-data.sh all) in SRC_DIR/data or $LRLAB_DATA.
#
# usage: hostile.sh SRC_DIR LRLAB_BIN
set -u

# shellcheck source=tests/refusal.sh
. "$(dirname "${BASH_SOURCE[0]}")/refusal.sh"
catalogue_args hostile 1 "$@"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-hostile.XXXXXX") || exit 2
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
c=$tmp/c # the scratch folder of the case running, {tmp} in expected.txt
HANG=60  # wall seconds after which a case counts as hung (a loaded machine, a sanitizer build)
cd "$src" || exit 2

fails=0 passes=0
fail() { # NAME WHY [FILE]
  echo "FAIL $1: $2"
  if [ $# -ge 3 ] && [ -s "$3" ]; then head -n 20 "$3" | sed 's/^/    /'; fi
  fails=$((fails + 1))
}

# ---- fixtures: a small valid result folder, whole and in two shards ----
small=tests/hostile/scripts/small.lua
for spec in "ref 1/1" "s1 1/2" "s2 2/2"; do
  set -- $spec
  if ! "$bin" run "$small" --out "$tmp/$1" --shard "$2" -j 2 --quiet > "$tmp/setup.log" 2>&1; then
    cat "$tmp/setup.log"
    echo "FAIL setup: lrlab run $small --shard $2"
    exit 1
  fi
done
rm -f "$tmp"/*/provenance.txt # machine paths; not read by merge or compare
ids=($(tail -n +2 "$tmp/ref/plan.csv" | cut -d, -f2)) # plan order; shard 1/2 has 0 and 2
# {curves_fnv} in expected.txt: the curve-file hash that cell ids[1]'s cell file records (it
# follows the cell's numbers, so it is not written into the catalogue)
curves_fnv=$(awk -F, 'NR == 2 { print $(NF - 1) }' "$tmp/s2/cells/${ids[1]}.csv")

# ---- corruptions ----
# corrupt FILE ORIGINAL HOW: truncate:N (first N bytes), byte:OFFSET:HEX (one byte changed),
# append:TEXT, empty, missing, dir (a folder in its place)
corrupt() {
  local f=$1 orig=$2 how=$3
  case $how in
    truncate:*) head -c "${how#truncate:}" "$orig" > "$f" ;;
    byte:*)
      local off=${how#byte:}; local hex=${off#*:}; off=${off%%:*}
      cp "$orig" "$f"
      printf "\\x$hex" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none ;;
    append:*) cp "$orig" "$f"; printf '%s' "${how#append:}" >> "$f" ;;
    empty) : > "$f" ;;
    missing) ;;
    dir) mkdir "$f" ;;
  esac
}
# csv_edit FILE AWK: rewrites FILE through awk (NR is the line number, header = 1)
csv_edit() { awk "$2" "$1" > "$1.new" && mv "$1.new" "$1"; }

# ---- the catalogue ----
declare -A kind args
# data NAME SCRIPT REL HOW: lrlab run tests/hostile/scripts/SCRIPT.lua with {data}/REL corrupted
data() { kind[$1]=data; args[$1]="$2 $3 $4"; }
# results NAME compare|merge FUNCTION: a copy of the fixtures changed by FUNCTION, then the command
results() { kind[$1]=$2; args[$1]=$3; }
# cli NAME ARGS...: lrlab ARGS (placeholders {tmp}, {small}, {ref})
cli() { local n=$1; shift; kind[$n]=cli; args[$n]=$(printf '%q ' "$@"); }

for f in tests/hostile/*.lua; do kind[$(basename "$f")]=lua; done

data data-faces-truncated faces lfw_subset.npy truncate:5000
data data-faces-wrong-magic faces lfw_subset.npy byte:0:94
data data-faces-empty faces lfw_subset.npy empty
data data-faces-missing faces lfw_subset.npy missing
data data-faces-folder faces lfw_subset.npy dir
data data-faces-appended faces lfw_subset.npy append:xx
data data-fashion-gz-truncated fashion fashion-mnist/train-images-idx3-ubyte.gz truncate:100000
data data-fashion-gz-wrong-magic fashion fashion-mnist/train-images-idx3-ubyte.gz byte:1:8c
data data-fashion-labels-flipped fashion fashion-mnist/train-labels-idx1-ubyte.gz byte:5000:00
data data-mnist-raw-truncated mnist mnist/train-images-idx3-ubyte truncate:16
data data-mnist-raw-wrong-magic mnist mnist/train-images-idx3-ubyte byte:3:0d
data data-mnist-labels-appended mnist mnist/train-labels-idx1-ubyte append:x
data data-kjv-truncated kjv kjv/kjv_ref.txt truncate:100000
data data-kjv-one-byte kjv kjv/kjv_ref.txt byte:1000:7a
data data-kjv-missing kjv kjv/kjv_ref.txt missing
kind[data-folder-missing]=datadir

# runs.csv of the whole result folder: header, then 3 rows per cell (stages 10, 50, 100)
cmp_dup_cell_adjacent() { csv_edit "$1/runs.csv" '{ print } NR >= 2 && NR <= 4 { d = d $0 "\n" } NR == 4 { printf "%s", d }'; }
cmp_dup_cell_end() { csv_edit "$1/runs.csv" '{ print } NR >= 2 && NR <= 4 { d = d $0 "\n" } END { printf "%s", d }'; }
cmp_truncated_mid_line() { head -c -20 "$1/runs.csv" > "$1/x" && mv "$1/x" "$1/runs.csv"; }
cmp_reordered() { csv_edit "$1/runs.csv" 'NR == 1 { print; next } { r[NR] = $0 } END { for (i = 2; i <= NR; i += 3) print r[i]; for (i = 3; i <= NR; i += 3) print r[i]; for (i = 4; i <= NR; i += 3) print r[i] }'; }
cmp_wrong_width() { csv_edit "$1/runs.csv" 'NR == 6 { print $0 ",extra"; next } { print }'; }
cmp_not_a_number() { csv_edit "$1/runs.csv" 'BEGIN { FS = OFS = "," } NR == 3 { $10 = "abc" } { print }'; }
cmp_newline_in_number() { csv_edit "$1/runs.csv" 'BEGIN { FS = OFS = "," } NR == 3 { $10 = "\"1\n2\"" } { print }'; }
cmp_unterminated_quote() { csv_edit "$1/runs.csv" 'BEGIN { FS = OFS = "," } NR == 7 { $3 = "\"nmf" } { print }'; }
cmp_stage_75() { csv_edit "$1/runs.csv" 'BEGIN { FS = OFS = "," } NR == 3 { $8 = 75 } { print }'; }
cmp_binary() { printf 'experiment,cell\n\001\002\377\376\000\033[2J\n' > "$1/runs.csv"; }
cmp_empty() { : > "$1/runs.csv"; }
cmp_folder() { rm "$1/runs.csv" && mkdir "$1/runs.csv"; }
cmp_missing() { rm "$1/runs.csv"; }
cmp_evals_truncated() { head -c -7 "$1/evals.csv" > "$1/x" && mv "$1/x" "$1/evals.csv"; }
results compare-runs-duplicated-cell compare cmp_dup_cell_adjacent
results compare-runs-duplicated-cell-at-end compare cmp_dup_cell_end
results compare-runs-truncated-mid-line compare cmp_truncated_mid_line
results compare-runs-reordered compare cmp_reordered
results compare-runs-wrong-width compare cmp_wrong_width
results compare-runs-not-a-number compare cmp_not_a_number
results compare-runs-newline-in-number compare cmp_newline_in_number
results compare-runs-unterminated-quote compare cmp_unterminated_quote
results compare-runs-stage-75 compare cmp_stage_75
results compare-runs-binary compare cmp_binary
results compare-runs-empty compare cmp_empty
results compare-runs-folder compare cmp_folder
results compare-runs-missing compare cmp_missing
results compare-evals-truncated compare cmp_evals_truncated

# the shards: s1 holds cells 0 and 2 of the plan, s2 cells 1 and 3
mrg_cell_truncated() { head -c 60 "$1/s1/cells/${ids[0]}.csv" > "$1/x" && mv "$1/x" "$1/s1/cells/${ids[0]}.csv"; }
mrg_cell_stages_reordered() { csv_edit "$1/s1/cells/${ids[2]}.csv" 'NR == 1 { print; next } { r[NR] = $0 } END { for (i = NR; i >= 2; i--) print r[i] }'; }
mrg_curves_column() { csv_edit "$1/s2/curves/${ids[1]}.csv" 'BEGIN { FS = OFS = "," } { NF = 2; print }'; }
mrg_plan_reordered() { csv_edit "$1/s1/plan.csv" 'NR == 2 { a = $0; next } NR == 3 { print; print a; next } { print }'; }
mrg_plan_duplicated_row() { csv_edit "$1/s1/plan.csv" '{ print } NR == 3 { print }'; }
mrg_plan_duplicated_id() { csv_edit "$1/s1/plan.csv" "BEGIN { FS = OFS = \",\" } NR == 3 { \$2 = \"${ids[0]}\" } { print }"; }
mrg_plan_truncated() { head -c -10 "$1/s2/plan.csv" > "$1/x" && mv "$1/x" "$1/s2/plan.csv"; }
mrg_plan_lr_nan() { csv_edit "$1/s1/plan.csv" 'BEGIN { FS = OFS = "," } NR == 4 { $8 = "nan" } { print }'; }
mrg_plan_long_name() { csv_edit "$1/s1/plan.csv" 'BEGIN { FS = OFS = "," } NR == 2 { $3 = sprintf("%0100d", 0) } { print }'; }
mrg_plan_missing() { rm "$1/s2/plan.csv"; }
results merge-cell-truncated merge mrg_cell_truncated
results merge-cell-stages-reordered merge mrg_cell_stages_reordered
results merge-curves-changed merge mrg_curves_column
results merge-plan-reordered merge mrg_plan_reordered
results merge-plan-duplicated-row merge mrg_plan_duplicated_row
results merge-plan-duplicated-id merge mrg_plan_duplicated_id
results merge-plan-truncated merge mrg_plan_truncated
results merge-plan-lr-nan merge mrg_plan_lr_nan
results merge-plan-long-name merge mrg_plan_long_name
results merge-plan-missing merge mrg_plan_missing
kind[merge-same-shard-twice]=merge-twice

cli cli-run-cell-timeout-nan run {small} --cell-timeout nan --out {tmp}/out
cli cli-run-cell-timeout-inf run {small} --cell-timeout inf --out {tmp}/out
cli cli-run-cell-timeout-overflow run {small} --cell-timeout 1e999 --out {tmp}/out
cli cli-run-cell-timeout-zero run {small} --cell-timeout 0 --out {tmp}/out
cli cli-run-jobs-zero run {small} -j 0 --out {tmp}/out
cli cli-run-jobs-huge run {small} -j 99999999999999999999 --out {tmp}/out
cli cli-run-jobs-glued-garbage run {small} -jx --out {tmp}/out
cli cli-run-shard-past-int run {small} --shard 1/4294967297 --out {tmp}/out
cli cli-run-shard-k-above-n run {small} --shard 3/2 --out {tmp}/out
cli cli-run-shard-zero run {small} --shard 0/0 --out {tmp}/out
cli cli-run-shard-three-parts run {small} --shard 1/2/3 --out {tmp}/out
cli cli-run-shard-space run {small} --shard " 1/2" --out {tmp}/out
cli cli-run-script-device run /dev/zero --out {tmp}/out
cli cli-run-out-is-a-file run {small} --out {tmp}/afile
cli cli-compare-alpha-nan compare {ref} --alpha nan
cli cli-compare-claim-inf compare {ref} --claim inf
cli cli-compare-tie-nan compare {ref} --tie abs:nan
cli cli-compare-tie-overflow compare {ref} --tie rel:1e999
cli cli-compare-tie-negative compare {ref} --tie abs:-1
cli cli-compare-two-folders compare {ref} {ref}
cli cli-compare-no-folder compare
cli cli-compare-empty-reference compare {ref} --reference ""
cli cli-merge-only-out merge {tmp}/out
cli cli-merge-unknown-option merge {tmp}/out {ref} --force
cli cli-trace-lr-nan trace cosine --lr nan --steps 10
cli cli-trace-lr-overflow trace cosine --lr 1e999 --steps 10
cli cli-trace-steps-float trace cosine --lr 0.1 --steps 1e20
cli cli-trace-steps-overflow trace cosine --lr 0.1 --steps 99999999999999999999
cli cli-trace-set-inf trace greedy --set factor=inf --lr 0.1 --steps 10

# ---- running one case ----
snapshot() { (cd "$c" && find . -printf '%y %p %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }

run_case() { # NAME: fills $tmp/stdout, $tmp/stderr, $rc, $secs; the command in $cmd
  local name=$1 limit=$2
  local -a argv
  rm -rf "$c"
  mkdir -p "$c"
  local env=()
  case ${kind[$name]} in
    lua) argv=(run "tests/hostile/$name" --out "$c/out") ;;
    data)
      set -- ${args[$name]}
      mirror_data "$2"
      corrupt "$c/data/$2" "$datadir/$2" "$3"
      env=(LRLAB_DATA="$c/data")
      argv=(run "tests/hostile/scripts/$1.lua" --out "$c/out") ;;
    datadir)
      env=(LRLAB_DATA="$c/no-such-folder")
      argv=(run tests/hostile/scripts/faces.lua --out "$c/out") ;;
    compare)
      cp -r "$tmp/ref" "$c/r"
      ${args[$name]} "$c/r"
      argv=(compare "$c/r") ;;
    merge)
      cp -r "$tmp/s1" "$tmp/s2" "$c/"
      ${args[$name]} "$c"
      argv=(merge "$c/out" "$c/s1" "$c/s2") ;;
    merge-twice)
      cp -r "$tmp/s1" "$tmp/s2" "$c/"
      argv=(merge "$c/out" "$c/s1" "$c/s1" "$c/s2") ;;
    cli)
      cp -r "$tmp/ref" "$c/ref"
      : > "$c/afile"
      eval "argv=(${args[$name]})"
      for i in "${!argv[@]}"; do
        argv[$i]=${argv[$i]//\{tmp\}/$c}
        argv[$i]=${argv[$i]//\{small\}/$small}
        argv[$i]=${argv[$i]//\{ref\}/$c/ref}
      done ;;
    *) echo "FAIL $name: no such case kind"; return 1 ;;
  esac
  cmd="lrlab ${argv[*]}"
  snapshot > "$tmp/before"
  # CPU time (user + system) of lrlab and its children, from the subshell's `times`
  rc=0
  (env "${env[@]}" timeout "$HANG" "$bin" "${argv[@]}" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
   r=$?; times > "$tmp/times"; exit $r) || rc=$?
  secs=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
                        printf "%.1f", 60 * (u[1] + s[1]) + u[2] + s[2] }' "$tmp/times")
  [ "$(awk -v t="$secs" -v l="$limit" 'BEGIN { print (t > l) }')" = 0 ] || cpu_over=1
  snapshot > "$tmp/after"
}

# ---- the catalogue and expected.txt match one to one ----
printf '%s\n' "${!kind[@]}" | sort > "$tmp/defined"
check_catalogue "$expected" "$(printf '^[^\t][^\t]*\t[12]\tlrlab[^\t]*$')" \
  "NAME<TAB>1|2<TAB>lrlab..." "$tmp/defined"

# ---- each case ----
while IFS=$'\t' read -r name want_rc want; do
  [ -n "${kind[$name]:-}" ] || continue # reported above
  want=${want//\{data\}/$c/data}
  want=${want//\{tmp\}/$c}
  want=${want//\{curves_fnv\}/$curves_fnv}
  limit=10 # seconds of CPU time
  case $want in *"CPU time limit exceeded"*) limit=20 ;; esac
  cpu_over=0
  run_case "$name" $limit || continue
  bad=0
  if [ $rc -eq 124 ]; then fail "$name" "still running after $HANG s: $cmd"; continue; fi
  if [ $cpu_over -eq 1 ]; then fail "$name" "took $secs s of CPU time (expected at most $limit): $cmd"; bad=1; fi
  if [ $rc -gt 128 ]; then
    fail "$name" "killed by signal $((rc - 128)): $cmd" "$tmp/stderr"; continue
  fi
  check_refusal "$name" "$rc" "$want_rc" "$want" "$cmd" || bad=1
  if ! cmp -s "$tmp/before" "$tmp/after"; then
    diff "$tmp/before" "$tmp/after" > "$tmp/diff"
    fail "$name" "files were written or changed (- before, + after)" "$tmp/diff"; bad=1
  fi
  if [ $bad -eq 0 ]; then
    echo "PASS $name ($secs s)"
    passes=$((passes + 1))
  fi
done < "$tmp/expected"

echo "hostile inputs: $passes passed, $fails failed"
[ $fails -eq 0 ]
