#!/usr/bin/env bash
# hostile_limits.sh - the limits catalogue (classes 5 and 7): nothing a script, a
# data path, a results folder or the machine's limits hold may hang lrlab or stop a whole
# matrix for one bad cell, and every refusal says what it refuses.
#
# What: tests/hostile_limits/expected.txt lists the cases, one a line:
# NAME<TAB>EXIT<TAB>LINE, where EXIT is lrlab's exit code and LINE depends on the kind of the
# case (defined below):
#   refuse  LINE is the exact first stderr line (at most a `hint:` line follows it), stdout is
#           empty and the scratch folder holds the same files before and after (nothing
#           written), as in tests/hostile.sh;
#   cell    `lrlab run` trains a matrix in which one cell goes wrong: LINE is the exact reason
#           recorded in that cell's file (cells/*.csv), and the other cells are ok (the matrix
#           goes on);
#   stdout  LINE is a line of stdout, exactly.
# {tmp} in LINE stands for the case's scratch folder, {data} for {tmp}/data. Every case runs
# under `timeout` (a hung case fails: HANG seconds, or 150 s for the default cell time limit,
# whose floor is 60 s), from SRC_DIR; CTest's TIMEOUT bounds the whole script.
# Why: a FIFO as a data path, a backtracking pattern in a Lua lr, a plan of a billion
# evaluations or a small `ulimit -v` each hung lrlab or killed its workers on every resume;
# a permission problem read as "missing"; negative steps in a received folder were accepted;
# compare on 50,000 seeds took a minute.
# Needs: the data sets in SRC_DIR/data or $LRLAB_DATA; root (setpriv) or a non-root user for
# the unreadable-file case, which is skipped with its reason otherwise.
#
# usage: hostile_limits.sh SRC_DIR LRLAB_BIN
set -u

# shellcheck source=tests/refusal.sh
. "$(dirname "${BASH_SOURCE[0]}")/refusal.sh"
catalogue_args hostile_limits 1 "$@"
cat_dir=$src/tests/hostile_limits

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-limits.XXXXXX") || exit 2
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # the unreadable-file case runs as another user
c=$tmp/c
HANG=60
S=tests/hostile_limits/scripts
cd "$src" || exit 2

fails=0 passes=0 skips=0
fail() { # NAME WHY [FILE]
  echo "FAIL $1: $2"
  if [ $# -ge 3 ] && [ -s "$3" ]; then head -n 20 "$3" | sed 's/^/    /'; fi
  fails=$((fails + 1))
}

# replace REL HOW: {data}/REL as a fifo, a folder, /dev/zero (a symlink to it), or a copy of
# the real file with mode 000
replace() {
  local rel=$1 how=$2 f=$c/data/$1
  mirror_data "$rel"
  case $how in
    fifo) mkfifo "$f" ;;
    dir) mkdir "$f" ;;
    devzero) ln -s /dev/zero "$f" ;;
    mode000) cp "$datadir/$rel" "$f" && chmod -R a+rX "$c" && chmod 000 "$f" ;;
  esac
}
# a small result folder of the synthetic experiment, for the results cases
if ! "$bin" run "$S/small.lua" --out "$tmp/ref" -j 2 --quiet > "$tmp/setup.log" 2>&1; then
  cat "$tmp/setup.log"
  echo "FAIL setup: lrlab run $S/small.lua"
  exit 1
fi
rm -f "$tmp/ref/provenance.txt"
# csv_set FILE LINE COL VALUE: field COL of line LINE (header = 1) set to VALUE
csv_set() {
  awk -v l="$2" -v k="$3" -v v="$4" 'BEGIN { FS = OFS = "," } NR == l { $k = v } { print }' \
    "$1" > "$1.new" && mv "$1.new" "$1"
}
first_cell() { ls "$1"/cells/*.csv | head -n 1; }
# big_compare DIR N: runs.csv of N seeds x 2 schedulers x 3 stages, written by awk
big_compare() {
  mkdir -p "$1"
  awk -v N="$2" 'BEGIN {
    print "experiment,cell,task,optimizer,scheduler,seed,lr0,stage,step,train_loss,val_loss," \
          "metric_name,metric,status,diverged_step,lr,lr_clips,loss_evals,metric_goal"
    split("10 50 100", st, " "); split("1 5 10", sp, " ")
    for (s = 1; s <= N; s++) for (k = 0; k < 2; k++) for (g = 1; g <= 3; g++)
      printf "big,%08x%08x,t,sgd,%s,%d,0.1,%d,%d,%.6f,%.6f,err,%.6f,ok,-1,0.1,0,0,min\n", k, s,
             k ? "greedy" : "constant", s, st[g], sp[g], 1 / (g + k + s % 7),
             1 / (g + k + s % 5), 1 / (g + 1) }' > "$1/runs.csv"
}

# ---- the catalogue ----
declare -A kind how
# NAME KIND HOW: HOW is bash run in the scratch folder's context: it may prepare {tmp} and
# sets `argv` (lrlab's arguments), and optionally `limit` (ulimit -v, KB), `user` (nobody),
# `envs` (extra environment) and `hang` (wall seconds)
case_() { kind[$1]=$2; how[$1]=$3; }

# data paths that are not regular files: --check and run both refuse at once
case_ data-faces-fifo-check refuse 'replace lfw_subset.npy fifo; argv=(run $S/faces.lua --check)'
case_ data-faces-fifo-run refuse 'replace lfw_subset.npy fifo; argv=(run $S/faces.lua --out $c/out)'
case_ data-faces-devzero refuse 'replace lfw_subset.npy devzero; argv=(run $S/faces.lua --check)'
case_ data-mnist-fifo refuse 'replace mnist/train-images-idx3-ubyte fifo; argv=(run $S/mnist.lua --check)'
case_ data-mnist-devzero refuse 'replace mnist/train-labels-idx1-ubyte devzero; argv=(run $S/mnist.lua --out $c/out)'
case_ data-mnist-folder refuse 'replace mnist/train-images-idx3-ubyte dir; argv=(run $S/mnist.lua --check)'
case_ data-kjv-fifo refuse 'replace kjv/kjv_ref.txt fifo; argv=(run $S/kjv.lua --check)'
case_ data-kjv-devzero refuse 'replace kjv/kjv_ref.txt devzero; argv=(run $S/kjv.lua --out $c/out)'
case_ data-faces-unreadable refuse 'replace lfw_subset.npy mode000; user=nobody; argv=(run $S/faces.lua --check)'
case_ data-kjv-unreadable refuse 'replace kjv/kjv_ref.txt mode000; user=nobody; argv=(run $S/kjv.lua --check)'
# memory: plans and policy trainings that ask for more than a quarter of the memory (under a
# fixed ulimit -v, so that the limit does not depend on the machine)
case_ plan-huge-evals-check refuse 'limit=4000000; argv=(run $S/huge_evals.lua --check)'
case_ plan-huge-evals-run refuse 'limit=4000000; argv=(run $S/huge_evals.lua --out $c/out)'
case_ plan-huge-evals-every10 refuse 'limit=4000000; argv=(run $S/huge_evals_every10.lua --check)'
case_ policy-huge-steps refuse 'limit=4000000; argv=(train-policy $S/policy_huge_steps.lua --out $c/out)'
case_ policy-huge-episodes refuse 'limit=4000000; argv=(train-policy $S/policy_huge_episodes.lua --out $c/out)'
# a small ulimit -v: one line at once, never a spin in OpenBLAS
case_ ulimit-run refuse 'limit=120000; argv=(run $S/small.lua --out $c/out)'
case_ ulimit-check refuse 'limit=150000; argv=(run $S/small.lua --check)'
case_ ulimit-tiny refuse 'limit=100000; argv=(run $S/small.lua --out $c/out)'
case_ ulimit-train-policy refuse 'limit=150000; argv=(train-policy tests/e2e/rl_train.lua --out $c/out)'
# results folders with steps that are not whole numbers >= 1 (>= 0 in evals.csv)
case_ results-runs-negative-step refuse 'cp -r $tmp/ref $c/r; csv_set $c/r/runs.csv 3 9 -5; argv=(compare $c/r)'
case_ results-runs-fractional-step refuse 'cp -r $tmp/ref $c/r; csv_set $c/r/runs.csv 4 9 2.5; argv=(compare $c/r)'
case_ results-runs-exponent-step refuse 'cp -r $tmp/ref $c/r; csv_set $c/r/runs.csv 2 9 1e3; argv=(compare $c/r)'
case_ results-evals-negative-step refuse 'cp -r $tmp/ref $c/r; csv_set $c/r/evals.csv 3 6 -1; argv=(compare $c/r)'
case_ results-cell-negative-step refuse 'cp -r $tmp/ref $c/r; csv_set $(first_cell $c/r) 3 2 -5; argv=(merge $c/out $c/r)'
case_ results-runs-fifo refuse 'cp -r $tmp/ref $c/r; rm $c/r/runs.csv; mkfifo $c/r/runs.csv; argv=(compare $c/r)'
case_ results-cell-fifo refuse 'cp -r $tmp/ref $c/r; f=$(first_cell $c/r); rm $f; mkfifo $f; argv=(merge $c/out $c/r)'
case_ results-plan-devzero refuse 'cp -r $tmp/ref $c/r; rm $c/r/plan.csv; ln -s /dev/zero $c/r/plan.csv; argv=(merge $c/out $c/r)'
case_ results-cell-negative-diverged-step refuse 'cp -r $tmp/ref $c/r; csv_set $(first_cell $c/r) 2 9 -7; argv=(merge $c/out $c/r)'
# one bad cell: recorded as failed with its reason, the matrix goes on
case_ lua-lr-find-backtrack cell 'argv=(run $S/lr_backtrack.lua --out $c/out -j 2)'
case_ lua-observe-find-backtrack cell 'argv=(run $S/lr_backtrack_observe.lua --out $c/out -j 1)'
case_ lua-lr-gsub-backtrack cell 'argv=(run $S/lr_gsub_backtrack.lua --out $c/out -j 2)'
case_ default-cell-timeout cell 'envs=(LRLAB_FAULT_HANG=$(sed -n 2p $tmp/ref/plan.csv | cut -d, -f2)); hang=150; argv=(run $S/small.lua --out $c/out -j 2)'
case_ cell-timeout-explicit cell 'envs=(LRLAB_FAULT_HANG=$(sed -n 2p $tmp/ref/plan.csv | cut -d, -f2)); argv=(run $S/small.lua --out $c/out -j 2 --cell-timeout 2)'
# accepted
case_ cell-timeout-word refuse 'argv=(run $S/small.lua --check --cell-timeout never)'
case_ cell-timeout-none stdout 'argv=(run $S/small.lua --check --cell-timeout none)'
case_ compare-50000-seeds stdout 'big_compare $c/big 50000; argv=(compare $c/big)'

# ---- running one case ----
snapshot() { (cd "$c" && find . -printf '%y %p %s\n' | sort && find . -type f -exec sha256sum {} + 2>/dev/null | sort); }

as_user() { # runs "$@" as nobody (setpriv, when root), or as we are when not root
  if [ "$(id -u)" -ne 0 ]; then "$@"; else setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi
}

# ---- the catalogue and expected.txt match one to one ----
printf '%s\n' "${!kind[@]}" | sort > "$tmp/defined"
check_catalogue "$expected" "$(printf '^[^\t][^\t]*\t[0-9]\t[^\t]*$')" \
  "NAME<TAB>EXIT<TAB>LINE" "$tmp/defined"

# ---- each case ----
while IFS=$'\t' read -r name want_rc want; do
  [ -n "${kind[$name]:-}" ] || continue # reported above
  rm -rf "$c"
  mkdir -p "$c"
  chmod 755 "$c"
  argv=() limit= user= envs=() hang=$HANG
  eval "${how[$name]}"
  if [ -n "$limit" ] && [ "${LRLAB_SANITIZED:-0}" = 1 ]; then
    # AddressSanitizer reserves terabytes of address space for its shadow memory at start, so
    # a sanitizer build cannot start under ulimit -v at all; the release build runs these
    echo "SKIP $name: a sanitizer build cannot start under ulimit -v (its shadow memory)"
    skips=$((skips + 1))
    continue
  fi
  if [ "$user" = nobody ] && [ "$(id -u)" -eq 0 ] && ! command -v setpriv > /dev/null; then
    echo "SKIP $name: an unreadable file needs a non-root user or setpriv, and neither is here"
    skips=$((skips + 1))
    continue
  fi
  want=${want//\{data\}/$c/data}
  want=${want//\{tmp\}/$c}
  cmd="lrlab ${argv[*]}"
  snapshot > "$tmp/before"
  run=(env LRLAB_DATA="${c}/data" "${envs[@]}" timeout "$hang" "$bin" "${argv[@]}")
  [ -d "$c/data" ] || run=(env "${envs[@]}" timeout "$hang" "$bin" "${argv[@]}")
  [ "$user" = nobody ] && run=(as_user "${run[@]}")
  rc=0
  start=$SECONDS
  (if [ -n "$limit" ]; then ulimit -v "$limit"; fi
   "${run[@]}" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null) || rc=$?
  secs=$((SECONDS - start))
  if [ $rc -eq 124 ]; then fail "$name" "still running after $hang s: $cmd" "$tmp/stderr"; continue; fi
  if [ $rc -gt 128 ]; then fail "$name" "killed by signal $((rc - 128)): $cmd" "$tmp/stderr"; continue; fi
  bad=0
  case ${kind[$name]} in
    refuse)
      check_refusal "$name" "$rc" "$want_rc" "$want" "$cmd" || bad=1
      snapshot > "$tmp/after"
      if ! cmp -s "$tmp/before" "$tmp/after"; then
        diff "$tmp/before" "$tmp/after" > "$tmp/diff"
        fail "$name" "files were written or changed (- before, + after)" "$tmp/diff"; bad=1
      fi ;;
    cell)
      if [ "$rc" != "$want_rc" ]; then fail "$name" "exit code $rc (expected $want_rc): $cmd" "$tmp/stderr"; bad=1; fi
      nbad=0 nok=0
      for f in "$c"/out/cells/*.csv; do
        if grep -q ',failed,' "$f"; then
          nbad=$((nbad + 1))
          # the reason column of the stage rows, unquoted
          got=$(awk -F'"' 'NR == 2 { print $2 }' "$f")
          if [ "$got" != "$want" ]; then
            printf -- '- %s\n+ %s\n' "$want" "$got" > "$tmp/diff"
            fail "$name" "reason recorded in $(basename "$f") differs (- expected, + got)" "$tmp/diff"; bad=1
          fi
        elif grep -q ',ok,' "$f"; then
          nok=$((nok + 1))
        fi
      done
      if [ $nbad -lt 1 ] || [ $nok -lt 1 ]; then
        fail "$name" "expected failed cells and ok cells (the matrix goes on), got $nbad failed and $nok ok: $cmd" "$tmp/stderr"; bad=1
      fi ;;
    stdout)
      if [ "$rc" != "$want_rc" ]; then fail "$name" "exit code $rc (expected $want_rc): $cmd" "$tmp/stderr"; bad=1; fi
      if ! grep -qxF -- "$want" "$tmp/stdout"; then
        fail "$name" "stdout has no line \"$want\": $cmd" "$tmp/stdout"; bad=1
      fi ;;
  esac
  if [ $bad -eq 0 ]; then
    echo "PASS $name (${secs} s)"
    passes=$((passes + 1))
  fi
done < "$tmp/expected"

echo "limits: $passes passed, $fails failed, $skips skipped"
[ $fails -eq 0 ]
