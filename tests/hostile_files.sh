#!/usr/bin/env bash
# hostile_files.sh - the hostile-folder catalogue (classes 3, 4 and 6): lrlab writes
# and deletes only its own files, never writes through a link planted in a results folder,
# reads a cell's status from its status field, records every Lua scheduler error and accepts
# only a real Lua number, and handles folders safely (a lock per folder, no merge over another
# experiment, no path cut short, report's labels checked against the plan, no temporary file
# left by a killed report).
#
# What: tests/hostile_files/expected.txt lists the cases, one a line: NAME<TAB>EXIT<TAB>MESSAGE.
# Each case is the functions below: setup_NAME prepares the scratch folder {c} (every case
# starts with user files of its own in {c}/user), run_NAME runs the one lrlab command under
# test, and check_NAME, when defined, checks what that command must have done. MESSAGE is the
# exact first stderr line ("" for none), with {c} the scratch folder and {pid} the pid of the
# lrlab that holds the folder (lock cases). Every case must then meet:
#   - its exit code and first stderr line; a refusal (exit 2) prints one line (and at most a
#     hint) and nothing on stdout (tests/refusal.sh);
#   - nothing outside lrlab's own files changed: every file and link of {c} other than lrlab's
#     own (the lock, the results lrlab writes, their folders and temporary files) has the same
#     bytes or target before and after; after a refusal nothing at all changed but the lock.
# The catalogue and expected.txt must match one to one.
# Why: result folders are exchanged and --out may be a user's own folder (`--out .`): lrlab
# must not delete a user's notes.tmp.md, write through a planted link, count a failed cell as
# done, race another lrlab on a folder or put results somewhere else than asked.
#
# usage: hostile_files.sh SRC_DIR LRLAB_BIN
set -u

# shellcheck source=tests/refusal.sh
. "$(dirname "${BASH_SOURCE[0]}")/refusal.sh"
catalogue_args hostile_files 1 "$@"
unset LRLAB_FAULT_HANG LRLAB_FAULT_CRASH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-hostile-files.XXXXXX") || exit 2
holder_pid=
stop_holder() {
  if [ -n "$holder_pid" ]; then
    kill -KILL "$holder_pid" 2> /dev/null
    wait "$holder_pid" 2> /dev/null
    holder_pid=
  fi
}
trap 'stop_holder; rm -rf "$tmp"' EXIT
cd "$src" || exit 2

fails=0 passes=0
fail() { # NAME WHY [FILE]
  echo "FAIL $1: $2"
  if [ $# -ge 3 ] && [ -s "$3" ]; then head -n 20 "$3" | sed 's/^/    /'; fi
  fails=$((fails + 1))
}

# ---- fixtures: a small experiment whole, in two shards, and another experiment ----
small=tests/hostile/scripts/small.lua
sed 's/name = "small"/name = "other"/' "$small" > "$tmp/other.lua"
for spec in "ref $small 1/1" "s1 $small 1/2" "s2 $small 2/2" "other $tmp/other.lua 1/1"; do
  set -- $spec
  if ! "$bin" run "$2" --out "$tmp/$1" --shard "$3" -j 2 --quiet > "$tmp/setup.log" 2>&1; then
    cat "$tmp/setup.log"
    echo "FAIL setup: lrlab run $2 --shard $3"
    exit 1
  fi
done
ids=($(tail -n +2 "$tmp/ref/plan.csv" | cut -d, -f2)) # plan order; shard 1/2 has 0 and 2

# lua_script NAME LR [OBSERVE]: an experiment of two cells, scheduler "constant" and "lua"
lua_script() {
  cat > "$c/$1" << EOF
experiment { name = "luacell", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8, steps = 20,
                         eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = { scheduler "constant" {}, scheduler "lua" { lr = function(step, ctx) return $2 end${3:+,
    observe = function(signal, step, value, ctx) $3 end} } } }
EOF
}
# plant LINK TARGET: a symbolic link LINK to TARGET (relative to the link's folder)
plant() { ln -s "$2" "$1"; }
# hold DIR: an lrlab run on DIR that stays in its first cell, holding the folder's lock
hold() {
  LRLAB_FAULT_HANG=${ids[0]} "$bin" run "$small" --out "$1" --quiet -j 1 > /dev/null 2> "$tmp/holder.err" &
  holder_pid=$!
  for _ in $(seq 300); do # up to 30 s: a run hashes the data folder first, slow beside other tests
    [ -s "$1/.lrlab.lock" ] && [ -s "$1/plan.csv" ] && return 0
    sleep 0.1
  done
  echo "FAIL setup: the holding run did not lock $1: $(head -n 3 "$tmp/holder.err")"
  exit 1
}
# cell_field FILE COL: column COL of the last stage row of a cell file
cell_field() { tail -n 1 "$1" | awk -v k="$2" -F, '{ print $k }'; }
# no_temps DIR: no temporary file of lrlab is left under DIR
no_temps() { [ -z "$(find "$1" -regextype posix-extended \( -regex '.*/\.[^/]+\.lrlab-tmp\.[0-9]+' -o -name '*.lrlab-tmp' -o -regex '.*/\.lrlab-write-test\.[0-9]+' \))" ]; }
# path_of_len N: an absolute path under {c} of exactly N bytes (components of 200 bytes)
path_of_len() {
  local p=$c/o n
  while [ ${#p} -lt "$1" ]; do
    n=$(($1 - ${#p} - 1))
    [ $n -gt 200 ] && n=200
    [ $n -lt 1 ] && { p=$p/x; break; }
    p=$p/$(printf '%*s' $n '' | tr ' ' d)
  done
  printf '%s' "${p:0:$1}"
}
user_files() { # the files a user keeps beside lrlab's in an output folder
  echo "a user's notes" > "$1/notes.tmp.md"
  echo x > "$1/draft.tmp"
  echo x > "$1/data.tmp.123"
  echo x > "$1/.cache.tmp.7"
  echo x > "$1/.x.lrlab-tmp.notapid"
  echo x > "$1/.lrlab-write-test.x1"
  echo x > "$1/lrlab-tmp.1"
}

user_files_intact() { # DIR: the files of user_files, unchanged (in folders the snapshot leaves out)
  local f
  for f in notes.tmp.md draft.tmp data.tmp.123 .cache.tmp.7 .x.lrlab-tmp.notapid .lrlab-write-test.x1 lrlab-tmp.1; do
    [ -f "$1/$f" ] || { echo "$1/$f: removed"; continue; }
    case $f in notes.tmp.md) [ "$(cat "$1/$f")" = "a user's notes" ] || echo "$1/$f: changed" ;;
      *) [ "$(cat "$1/$f")" = x ] || echo "$1/$f: changed" ;; esac
  done
}

# ---- class 3: own only your own files ----
setup_user_tmp_run() { user_files "$c/work"; }
run_user_tmp_run() { (cd "$c/work" && "$bin" run "$src/$small" --out . --quiet > /dev/null); }
setup_user_tmp_rerun() { user_files "$c/work"; (cd "$c/work" && "$bin" run "$src/$small" --out . --quiet > /dev/null); }
run_user_tmp_rerun() { (cd "$c/work" && "$bin" run "$src/$small" --out . --quiet --fresh > /dev/null); }
setup_user_tmp_report() { setup_user_tmp_rerun; mkdir -p "$c/work/report/tables"; user_files "$c/work/report"; user_files "$c/work/report/tables"; }
run_user_tmp_report() { (cd "$c/work" && "$bin" report . > /dev/null); }
check_user_tmp_report() {
  [ -s "$c/work/report/report.md" ] || echo "no report.md"
  user_files_intact "$c/work/report"
  user_files_intact "$c/work/report/tables"
}
setup_user_tmp_merge() { user_files "$c/work"; cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_user_tmp_merge() { (cd "$c/work" && "$bin" merge . "$c/s1" "$c/s2" --quiet > /dev/null); }
check_user_tmp_merge() { cmp -s "$c/work/runs.csv" "$tmp/ref/runs.csv" || echo "runs.csv differs from the whole run's"; }
setup_stale_temps_removed() {
  cp -r "$tmp/ref" "$c/o"
  for d in . cells curves evals figures; do echo stale > "$c/o/$d/.x.csv.lrlab-tmp.99999"; done
  echo stale > "$c/o/figures/small.png.lrlab-tmp"
  echo stale > "$c/o/.lrlab-write-test.99999"
  user_files "$c/o"
}
run_stale_temps_removed() { "$bin" run "$small" --out "$c/o" --quiet > /dev/null; }
check_stale_temps_removed() { no_temps "$c/o" || echo "stale temporary files left: $(find "$c/o" -name '*lrlab-tmp*' | tr '\n' ' ')"; }
setup_temp_name_link_top() { cp -r "$tmp/ref" "$c/o"; plant "$c/o/.runs.csv.lrlab-tmp.4242" ../user/file; }
run_temp_name_link_top() { "$bin" run "$small" --out "$c/o" --quiet > /dev/null; }
check_temp_name_link_top() { [ ! -L "$c/o/.runs.csv.lrlab-tmp.4242" ] || echo "the stale link was not removed"; }

# links planted in a results folder: refused before anything is written through them
link_setup() { # REL TARGET: a copy of the whole run, with REL a link to TARGET
  cp -r "$tmp/ref" "$c/o"
  rm -rf "${c:?}/o/$1"
  plant "$c/o/$1" "$2"
}
link_run() { "$bin" run "$small" --out "$c/o" --quiet --fresh; }
setup_link_cells() { link_setup cells ../user/dir; }
run_link_cells() { link_run; }
setup_link_curves() { link_setup curves ../user/dir; }
run_link_curves() { link_run; }
setup_link_evals() { link_setup evals ../user/dir; }
run_link_evals() { link_run; }
setup_link_figures() { link_setup figures ../user/dir; }
run_link_figures() { link_run; }
setup_link_timing_log() { link_setup cells/timing.log ../../user/file; }
run_link_timing_log() { link_run; }
setup_link_runs_csv() { link_setup runs.csv ../user/file; }
run_link_runs_csv() { "$bin" run "$small" --out "$c/o" --quiet; }
setup_link_plan_csv() { link_setup plan.csv ../user/file; }
run_link_plan_csv() { link_run; }
setup_link_cell_file() { link_setup "cells/${ids[1]}.csv" ../../user/file; }
run_link_cell_file() { link_run; }
setup_link_curve_file() { link_setup "curves/${ids[1]}.csv" ../../user/file; }
run_link_curve_file() { link_run; }
setup_link_temp_name() { link_setup "cells/.${ids[1]}.csv.lrlab-tmp.4242" ../../user/file; }
run_link_temp_name() { link_run; }
setup_link_lock() { link_setup .lrlab.lock ../user/file; }
run_link_lock() { link_run; }
setup_link_merge_cells() { mkdir -p "$c/m"; plant "$c/m/cells" ../user/dir; cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_link_merge_cells() { "$bin" merge "$c/m" "$c/s1" "$c/s2" --quiet; }
setup_link_report_tables() { cp -r "$tmp/ref" "$c/o"; mkdir -p "$c/o/report"; plant "$c/o/report/tables" ../../user/dir; }
run_link_report_tables() { "$bin" report "$c/o"; }
setup_link_report_folder() { cp -r "$tmp/ref" "$c/o"; plant "$c/o/report" ../user/dir; }
run_link_report_folder() { "$bin" report "$c/o"; }
setup_link_report_md() { cp -r "$tmp/ref" "$c/o"; mkdir -p "$c/o/report"; plant "$c/o/report/report.md" ../../user/file; }
run_link_report_md() { "$bin" report "$c/o"; }

# ---- class 4: status from structure ----
setup_status_ok_in_reason() { # cell 1 failed, with ",ok," in its reason
  cp -r "$tmp/ref" "$c/o"
  local f=$c/o/cells/${ids[1]}.csv
  awk 'BEGIN { FS = OFS = "," } NR > 1 { $8 = "failed"; $12 = "\"a,ok,b\"" } { print }' "$f" > "$c/x" && mv "$c/x" "$f"
}
run_status_ok_in_reason() { "$bin" run "$small" --out "$c/o" --quiet --retry-failed > "$tmp/out.txt"; }
check_status_ok_in_reason() { grep -q '(1 trained now, 3 already done; 0 diverged, 0 failed)' "$tmp/out.txt" || echo "the failed cell was not trained again: $(cat "$tmp/out.txt")"; }
setup_status_ok_in_reason_counted() { setup_status_ok_in_reason; }
run_status_ok_in_reason_counted() { "$bin" run "$small" --out "$c/o" --quiet > "$tmp/out.txt"; }
check_status_ok_in_reason_counted() { grep -q '(0 trained now, 4 already done; 0 diverged, 1 failed)' "$tmp/out.txt" || echo "the failed cell was not counted as failed: $(cat "$tmp/out.txt")"; }

lua_run() { "$bin" run "$c/s.lua" --out "$c/o" --quiet > /dev/null; }
# lua_failed REASON: the cell failed with REASON, its last stage not reached, runs.csv agrees
lua_failed() {
  local id f last
  id=$(grep ',lua,' "$c/o/plan.csv" | cut -d, -f2)
  f=$c/o/cells/$id.csv
  [ "$(cell_field "$f" 8)" = failed ] || echo "status $(cell_field "$f" 8) (expected failed)"
  [ "$(cell_field "$f" 3)" = 0 ] || echo "the last stage counts as reached"
  grep -qF "$1" "$f" || echo "reason not recorded (expected $1): $(tail -n 1 "$f")"
  last=$(grep ",$id," "$c/o/runs.csv" | tail -n 1 | cut -d, -f14)
  [ "$last" = failed ] || echo "runs.csv: last stage $last (expected failed)"
  [ "$(cell_field "$c/o/cells/$(grep ',constant,' "$c/o/plan.csv" | cut -d, -f2).csv" 8)" = ok ] || echo "the constant cell is not ok"
}
setup_lua_observe_last_eval() { lua_script s.lua 0.1 'if signal == "eval" and step == 19 then error("late ,ok, failure") end'; }
run_lua_observe_last_eval() { lua_run; }
check_lua_observe_last_eval() { lua_failed 'scheduler at step 19: observe: '; }
setup_lua_observe_last_step() { lua_script s.lua 0.1 'if signal == "train_step" and step == 19 then error("late failure") end'; }
run_lua_observe_last_step() { lua_run; }
check_lua_observe_last_step() { lua_failed 'scheduler at step 19: observe: '; }
setup_lua_lr_string() { lua_script s.lua '"0.1"'; }
run_lua_lr_string() { lua_run; }
check_lua_lr_string() { lua_failed 'scheduler at step 0: lr: returned string (expected a finite number > 0)'; }
setup_lua_lr_table() { lua_script s.lua '{ 0.1 }'; }
run_lua_lr_table() { lua_run; }
check_lua_lr_table() { lua_failed 'scheduler at step 0: lr: returned table (expected a finite number > 0)'; }
setup_lua_lr_nil() { lua_script s.lua nil; }
run_lua_lr_nil() { lua_run; }
check_lua_lr_nil() { lua_failed 'scheduler at step 0: lr: returned nil (expected a finite number > 0)'; }
setup_lua_lr_huge() { lua_script s.lua math.huge; }
run_lua_lr_huge() { lua_run; }
check_lua_lr_huge() { lua_failed 'scheduler at step 0: lr: returned inf (expected a finite number > 0)'; }
setup_lua_lr_nan() { lua_script s.lua '0/0'; }
run_lua_lr_nan() { lua_run; }
check_lua_lr_nan() { lua_failed 'scheduler at step 0: lr: returned nan (expected a finite number > 0)'; }
setup_lua_lr_negative() { lua_script s.lua -1; }
run_lua_lr_negative() { lua_run; }
check_lua_lr_negative() { lua_failed 'scheduler at step 0: lr: returned -1 (expected a finite number > 0)'; }
setup_lua_lr_string_late() { lua_script s.lua 'step < 15 and 0.1 or "0.1"'; }
run_lua_lr_string_late() { lua_run; }
check_lua_lr_string_late() { lua_failed 'scheduler at step 15: lr: returned string (expected a finite number > 0)'; }

# ---- class 6: folders handled safely ----
setup_lock_run_run() { hold "$c/o"; }
run_lock_run_run() { "$bin" run "$small" --out "$c/o" --quiet; }
setup_lock_run_merge() { hold "$c/o"; cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_lock_run_merge() { "$bin" merge "$c/o" "$c/s1" "$c/s2" --quiet; }
setup_lock_merge_input() { hold "$c/o"; cp -r "$tmp/s1" "$c/"; }
run_lock_merge_input() { "$bin" merge "$c/m" "$c/s1" "$c/o" --quiet; }
setup_lock_run_report() { hold "$c/o"; }
run_lock_run_report() { "$bin" report "$c/o"; }
setup_lock_run_compare() { hold "$c/o"; }
run_lock_run_compare() { "$bin" compare "$c/o"; }
setup_lock_run_train_policy() { hold "$c/o"; }
run_lock_run_train_policy() { "$bin" train-policy tests/e2e/rl_train.lua --out "$c/o" --quiet; }
# a holder killed in its first cell (SIGKILL) leaves its pid in the lock file; flock is released
setup_lock_released() { hold "$c/o"; stop_holder; [ -s "$c/o/.lrlab.lock" ] || echo "FAIL setup: no stale lock"; }
run_lock_released() { "$bin" run "$small" --out "$c/o" --quiet > /dev/null; }
check_lock_released() { [ ! -s "$c/o/.lrlab.lock" ] || echo "the lock file still names a holder: $(cat "$c/o/.lrlab.lock")"; }
setup_merge_other_experiment() { cp -r "$tmp/other" "$c/o"; cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_merge_other_experiment() { "$bin" merge "$c/o" "$c/s1" "$c/s2" --quiet; }
setup_merge_results_without_plan() { mkdir -p "$c/o"; cp "$tmp/other/runs.csv" "$c/o/"; cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_merge_results_without_plan() { "$bin" merge "$c/o" "$c/s1" "$c/s2" --quiet; }
setup_merge_cells_without_plan() { mkdir -p "$c/o/cells"; echo x > "$c/o/cells/mine.csv"; cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_merge_cells_without_plan() { "$bin" merge "$c/o" "$c/s1" "$c/s2" --quiet; }
setup_merge_same_plan() { cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_merge_same_plan() { "$bin" merge "$c/s1" "$c/s1" "$c/s2" --quiet > /dev/null; }
check_merge_same_plan() { cmp -s "$c/s1/runs.csv" "$tmp/ref/runs.csv" || echo "runs.csv differs from the whole run's"; }
setup_long_out_path_max() { :; }
run_long_out_path_max() { "$bin" run "$small" --out "$(path_of_len 4095)" --quiet; }
setup_long_out_over_buffer() { :; }
run_long_out_over_buffer() { "$bin" run "$small" --out "$(path_of_len 2049)" --quiet; }
setup_long_out_just_over() { :; }
run_long_out_just_over() { "$bin" run "$small" --out "$(path_of_len 2001)" --quiet; }
setup_long_out_fits() { :; }
run_long_out_fits() { "$bin" run "$small" --out "$(path_of_len 2000)" --quiet > /dev/null; }
check_long_out_fits() { cmp -s "$(path_of_len 2000)/runs.csv" "$tmp/ref/runs.csv" || echo "the results are not where --out said"; }
setup_long_merge_out() { cp -r "$tmp/s1" "$tmp/s2" "$c/"; }
run_long_merge_out() { "$bin" merge "$(path_of_len 2100)" "$c/s1" "$c/s2" --quiet; }
setup_long_report_paper() { cp -r "$tmp/ref" "$c/o"; }
run_long_report_paper() { "$bin" report "$c/o" --paper "$(path_of_len 3000)"; }
setup_long_report_dir() { :; }
run_long_report_dir() { "$bin" report "$(path_of_len 2500)"; }
setup_long_compare_dir() { :; }
run_long_compare_dir() { "$bin" compare "$(path_of_len 2500)"; }
setup_report_labels_disagree() {
  cp -r "$tmp/ref" "$c/o"
  awk 'BEGIN { FS = OFS = "," } NR == 3 { $5 = "cosine" } { print }' "$c/o/runs.csv" > "$c/x" && mv "$c/x" "$c/o/runs.csv"
}
run_report_labels_disagree() { "$bin" report "$c/o"; }
setup_report_task_disagrees() {
  cp -r "$tmp/ref" "$c/o"
  awk 'BEGIN { FS = OFS = "," } NR == 7 { $3 = "nmf-faces" } { print }' "$c/o/runs.csv" > "$c/x" && mv "$c/x" "$c/o/runs.csv"
}
run_report_task_disagrees() { "$bin" report "$c/o"; }
setup_report_killed_rerun() { # a report killed at three moments, and planted stale names
  cp -r "$tmp/ref" "$c/o"
  mkdir -p "$c/o/report/figures"
  user_files "$c/o/report"
  user_files "$c/o/report/figures"
  for t in 0.1 0.3 0.6; do
    "$bin" report "$c/o" > /dev/null 2>&1 &
    local p=$!
    sleep $t
    kill -KILL $p 2> /dev/null
    wait $p 2> /dev/null
  done
  echo stale > "$c/o/report/.report.md.lrlab-tmp.99999"
  echo stale > "$c/o/report/figures/delta.pdf.lrlab-tmp"
}
run_report_killed_rerun() { "$bin" report "$c/o" > /dev/null; }
check_report_killed_rerun() {
  no_temps "$c/o" || echo "temporary files left: $(find "$c/o" -name '*lrlab-tmp*' | tr '\n' ' ')"
  user_files_intact "$c/o/report"
  user_files_intact "$c/o/report/figures"
}
setup_report_sigterm() { cp -r "$tmp/ref" "$c/o"; }
run_report_sigterm() { # stopped at three moments: each removes its temporary files
  for t in 0.1 0.3 0.6; do
    "$bin" report "$c/o" > /dev/null 2>&1 &
    local p=$!
    sleep $t
    kill -TERM $p 2> /dev/null
    wait $p 2> /dev/null
    no_temps "$c/o" || echo "SIGTERM after $t s left $(find "$c/o" -name '*lrlab-tmp*' | tr '\n' ' ')" >&2
  done
}

# ---- the checks ----
# snapshot: every file and link under {c} with its bytes or target; `own` leaves out lrlab's
# own (the lock always; with `own`, lrlab's results, their folders and temporary files)
snapshot() {
  (cd "$c" && find . \( -type f -o -type l \) -printf '%y %l %p\n' | sort \
    && find . -type f -exec sha256sum {} + | sort) \
    | grep -v '/\.lrlab\.lock$' \
    | if [ "$1" = own ]; then
        grep -Ev '/(cells|curves|evals|figures|tables|report)/|/(plan|runs|curves|evals|timing|tuning|comparisons|tests|verdict|profiles|ranks|tasks)\.csv$|/(provenance\.txt|report\.md)$|/\.[^/]+\.lrlab-tmp\.[0-9]+$|\.lrlab-tmp$|\.lrlab-write-test\.[0-9]+$' || true
      else cat; fi
}

declare -A listed
while IFS=$'\t' read -r name want_rc want; do
  case $name in '' | '#'*) continue ;; esac
  listed[$name]=1
  fn=${name//-/_}
  if ! declare -F "run_$fn" > /dev/null; then fail "$name" "no run_$fn in hostile_files.sh"; continue; fi
  c=$tmp/c
  rm -rf "$c"
  mkdir -p "$c/user/dir" "$c/work"
  echo "a user's file" > "$c/user/file"
  echo "a user's notes" > "$c/user/dir/notes.md"
  "setup_$fn"
  snapshot own > "$tmp/before_own"
  snapshot all > "$tmp/before_all"
  rc=0
  ( "run_$fn" ) > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
  want=${want//\{c\}/$c}
  want=${want//\{pid\}/$holder_pid}
  stop_holder
  broke=0
  if [ "$want_rc" = 2 ]; then
    check_refusal "$name" "$rc" "$want_rc" "$want" || broke=1
    snapshot all > "$tmp/after_all"
    if ! diff "$tmp/before_all" "$tmp/after_all" > "$tmp/diff"; then
      fail "$name" "a refusal changed files" "$tmp/diff"; broke=1
    fi
  else
    if [ "$rc" != "$want_rc" ]; then fail "$name" "exit code $rc (expected $want_rc)" "$tmp/stderr"; broke=1; fi
    got=$(head -n 1 "$tmp/stderr")
    if [ "$got" != "$want" ]; then
      printf -- '- %s\n+ %s\n' "$want" "$got" > "$tmp/diff"
      fail "$name" "first stderr line differs (- expected, + got)" "$tmp/diff"; broke=1
    fi
  fi
  snapshot own > "$tmp/after_own"
  if ! diff "$tmp/before_own" "$tmp/after_own" > "$tmp/diff"; then
    fail "$name" "files other than lrlab's own changed" "$tmp/diff"; broke=1
  fi
  if declare -F "check_$fn" > /dev/null; then
    "check_$fn" > "$tmp/check" 2>&1
    if [ -s "$tmp/check" ]; then fail "$name" "$(head -n 1 "$tmp/check")"; broke=1; fi
  fi
  [ $broke = 0 ] && passes=$((passes + 1))
done < "$expected"

# every case defined here is listed in expected.txt
for f in $(declare -F | awk '{ print $3 }' | grep '^run_' | sed 's/^run_//'); do
  name=${f//_/-}
  [ -n "${listed[$name]:-}" ] || fail "$name" "defined in hostile_files.sh but not in expected.txt"
done

echo "hostile_files: $passes passed, $fails failed"
[ $fails -eq 0 ]
