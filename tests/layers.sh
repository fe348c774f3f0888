#!/usr/bin/env bash
# layers.sh - every #include "..." in the tree respects the layers of README.md (Contributing).
#
# What: reads each #include "PATH" of harness/, schedulers/ and tasks/ (.c and .h) and fails,
# naming FILE:LINE, the header and the rule, when a file includes a header of a layer above it:
#   base (harness/base)                     base only
#   optim, policy, the Lua sandbox,         base, their own folder (the sandbox: its own
#   schedulers, tasks                       header) and the small interfaces schedulers/sched.h,
#                                           tasks/task.h, harness/optim/optim.h,
#                                           harness/lua/sandbox.h, harness/policy/policy.h
#   api (harness/api: the public library)   base, optim, policy, schedulers and the task
#                                           interface; its header lrlab.h includes nothing of
#                                           the tree (it is installed alone)
#   engine (harness/engine, the config      anything but analysis and cli
#   loader harness/lua/config.*)
#   analysis (harness/analysis)             anything but cli
#   cli (harness/cli)                       anything
# A header that is not in the tree (a typo, a moved file) fails too. tests/ and scripts/
# may include anything. To see it fail: add #include "harness/engine/plan.h" to
# harness/base/err.c and run this test.
# usage: layers.sh SRC_DIR
set -euo pipefail
cd "$1"
interfaces="schedulers/sched.h tasks/task.h harness/optim/optim.h harness/lua/sandbox.h harness/policy/policy.h"

# layer FILE: the layer a file of the tree belongs to.
layer() {
  case $1 in
    harness/base/*) echo base ;;
    harness/optim/*) echo optim ;;
    harness/policy/*) echo policy ;;
    harness/lua/sandbox.*) echo sandbox ;;
    harness/lua/*) echo engine ;;
    harness/engine/*) echo engine ;;
    harness/analysis/*) echo analysis ;;
    harness/cli/*) echo cli ;;
    harness/api/*) echo api ;;
    schedulers/*) echo schedulers ;;
    tasks/*) echo tasks ;;
    *) echo other ;;
  esac
}

# allowed FILE HEADER: 0 when FILE's layer may include HEADER, else 1 with the rule in $why.
allowed() {
  local from to
  from=$(layer "$1") to=$(layer "$2")
  case $from in
    base)
      why="base includes only base"
      [ "$to" = base ] ;;
    optim | policy | schedulers | tasks | sandbox)
      why="$from includes only base, its own folder and the interfaces ($interfaces)"
      [ "$to" = base ] && return 0
      case " $interfaces " in *" $2 "*) return 0 ;; esac
      if [ "$from" = sandbox ]; then [ "$2" = harness/lua/sandbox.h ]; else [ "$to" = "$from" ]; fi ;;
    api)
      why="api includes base, optim, policy, schedulers and tasks/task.h; lrlab.h nothing"
      [ "$1" != harness/api/lrlab.h ] || return 1
      [ "$2" = harness/api/lrlab.h ] && return 0
      case $to in base | optim | policy | schedulers) return 0 ;; esac
      [ "$2" = tasks/task.h ] ;;
    engine)
      why="engine includes anything but analysis and cli"
      [ "$to" != analysis ] && [ "$to" != cli ] ;;
    analysis)
      why="analysis includes anything but cli"
      [ "$to" != cli ] ;;
    *) return 0 ;;
  esac
}

bad=0 n=0
while IFS=: read -r file line text; do
  hdr=$(printf '%s\n' "$text" | sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p')
  [ -n "$hdr" ] || continue
  n=$((n + 1))
  if [ ! -f "$hdr" ]; then
    echo "FAIL: $file:$line: includes \"$hdr\", not a file of the tree (expected a path from the top of the repository)" >&2
    bad=1
  elif ! allowed "$file" "$hdr"; then
    echo "FAIL: $file:$line: includes \"$hdr\" ($(layer "$hdr")): $why" >&2
    bad=1
  fi
done < <(grep -rn --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' harness schedulers tasks)
[ "$n" -gt 0 ] || { echo "FAIL: no #include \"...\" found under harness, schedulers, tasks" >&2; exit 1; }
[ $bad -eq 0 ] || exit 1
echo "ok: $n includes respect the layers"
