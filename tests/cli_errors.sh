#!/usr/bin/env bash
# cli_errors.sh - command-line mistakes and the good paths of the lrlab CLI.
#
# What: each mistake (no command, unknown command or option, missing or bad values, a
# missing script, two scripts, an unknown list kind, ...) must exit with code 2, print
# nothing on stdout, and one line `lrlab: ... (expected ...)` on stderr, optionally
# followed by a `hint:` line, naming what was wrong; no output folder may appear. The
# good paths (--help, --version, run --help, list, list schedulers, list --versions, run
# --check) must exit 0 with output on stdout, list --versions one line, and run --check must
# print the plan and write nothing.
# Why: the house rules: exit code 2 and one line for every usage error.
#
# usage: cli_errors.sh SRC_DIR LRLAB_BIN
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 SRC_DIR LRLAB_BIN" >&2
  exit 2
fi
src=$(cd "$1" && pwd) || exit 2
bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "FAIL: $bin is not an executable" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrlab-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

faces=lfw_subset.npy
if [ -f "$src/data/$faces" ]; then
  export LRLAB_DATA=$src/data
fi
have_faces=0
[ -f "${LRLAB_DATA:-$src/data}/$faces" ] && have_faces=1

cd "$src" || exit 2
out=$tmp/out # an output folder that must never appear
fails=0 passes=0 skips=0

report() { # NAME OK WHY
  if [ "$2" -eq 0 ]; then
    echo "PASS $1"
    passes=$((passes + 1))
  else
    echo "FAIL $1: $3"
    for f in stdout stderr; do
      [ -s "$tmp/$f" ] && { echo "  $f:"; head -n 20 "$tmp/$f" | sed 's/^/    /'; }
    done
    fails=$((fails + 1))
  fi
}

run() { # ARGS...: runs lrlab, fills $tmp/stdout, $tmp/stderr and $rc
  rm -rf "$out"
  timeout 10 "$bin" "$@" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
  rc=$?
}

# bad NAME NEEDLE ARGS...: exit code 2, stdout empty, stderr one line `lrlab: ...` that
# contains NEEDLE and an "(expected ...)", plus at most a hint line; no output folder.
bad() {
  local name=$1 needle=$2 why=""
  shift 2
  run "$@"
  local first nlines
  first=$(head -n 1 "$tmp/stderr")
  nlines=$(awk 'END { print NR }' "$tmp/stderr")
  if [ $rc -ne 2 ]; then why="exit code $rc (expected 2)"
  elif [ -s "$tmp/stdout" ]; then why="stdout is not empty"
  elif [ "$nlines" -lt 1 ] || [ "$nlines" -gt 2 ]; then
    why="stderr has $nlines lines (expected the message and at most a hint)"
  elif [ "$nlines" -eq 2 ] && ! sed -n 2p "$tmp/stderr" | grep -q '^hint: '; then
    why="second stderr line is not a hint"
  elif [ "${first#lrlab: }" = "$first" ]; then why="message does not start with \"lrlab: \""
  elif [ "${first#*"$needle"}" = "$first" ]; then why="message does not mention: $needle"
  elif [ "${first#*(expected }" = "$first" ]; then why="message has no \"(expected ...)\""
  elif [ -e "$out" ]; then why="the output folder was created"
  fi
  report "$name" $([ -z "$why" ]; echo $?) "$why"
}

# good NAME ARGS...: exit code 0, stdout not empty, stderr empty.
good() {
  local name=$1 why=""
  shift
  run "$@"
  if [ $rc -ne 0 ]; then why="exit code $rc (expected 0)"
  elif [ ! -s "$tmp/stdout" ]; then why="stdout is empty"
  elif [ -s "$tmp/stderr" ]; then why="stderr is not empty"
  fi
  report "$name" $([ -z "$why" ]; echo $?) "$why"
}

script=scripts/quick.lua
[ -f "$script" ] || { echo "FAIL: $src/$script is missing" >&2; exit 1; }

# ---- mistakes ----
bad "no command" "missing command"
bad "unknown command" "frobnicate: unknown command" frobnicate
bad "unknown command that looks like an option" "--frobnicate: unknown command" --frobnicate
bad "run without a script" "missing script" run
bad "run with an unknown option" "--frobnicate: unknown option" run "$script" --frobnicate --out "$out"
bad "--out without a value" "--out: missing value" run "$script" --out
bad "--out with an empty value" "--out: missing value" run "$script" --out ""
bad "--seed -1" "got -1" run "$script" --seed -1 --out "$out"
bad "--seed abc" "got abc" run "$script" --seed abc --out "$out"
bad "--seed 1.5" "got 1.5" run "$script" --seed 1.5 --out "$out"
bad "--seed past 2^64" "got 99999999999999999999" run "$script" --seed 99999999999999999999 --out "$out"
bad "--seed without a value" "--seed: invalid value" run "$script" --seed
bad "a missing script file" "$tmp/no_such_script.lua: cannot open" run "$tmp/no_such_script.lua" --out "$out"
bad "a folder as the script" "$tmp: cannot read" run "$tmp" --out "$out"
bad "two scripts" "$script: unexpected argument" run "$script" "$script" --out "$out"
bad "list bogus" "bogus: unknown kind" list bogus
bad "list with two kinds" "schedulers: unexpected argument" list tasks schedulers
bad "list --versions without a script" "--versions: missing script" list --versions
bad "list --versions with two scripts" "$script: unexpected argument" list --versions "$script" "$script"
bad "list --versions of a missing script" "$tmp/no_such_script.lua: cannot open" list --versions "$tmp/no_such_script.lua"
bad "list --versions of a device" "/dev/null: not a regular file" list --versions /dev/null

# ---- good paths ----
good "--help" --help
good "-h" -h
good "--version" --version
good "run --help" run --help
good "list --help" list --help
good "list" list
good "list schedulers" list schedulers
good "list tasks" list tasks
good "list optimizers" list optimizers
good "list --versions" list --versions "$script"
why=""
if [ "$(awk 'END { print NR }' "$tmp/stdout")" -ne 1 ]; then why="not one line"
elif ! grep -Eq '^versions: task [a-z_0-9]+ [1-9][0-9]*(, [a-z_0-9]+ [1-9][0-9]*)*; optimizer .*; scheduler .*[0-9]$' "$tmp/stdout"; then
  why="not \"versions: task NAME N, ...; optimizer ...; scheduler ...\""
fi
report "list --versions prints one versions line" $([ -z "$why" ]; echo $?) "$why"

# run --check: the plan, with a cell count that is the product of its factors, and
# nothing written (needs the faces data when quick.lua uses it)
if [ $have_faces -eq 0 ] && grep -q '"faces"' "$script"; then
  echo "FAIL run --check: no $faces in ${LRLAB_DATA:-$src/data} (fetch it: bash scripts/fetch-data.sh faces)"
  fails=$((fails + 1))
else
  good "run --check" run "$script" --check --out "$out"
  why=""
  line=$(grep -m 1 '^cells: ' "$tmp/stdout")
  if [ -z "$line" ]; then why="no \"cells:\" line in the plan"
  elif ! grep -q 'nothing written' "$tmp/stdout"; then why="no \"nothing written\" in the plan"
  elif [ -e "$out" ]; then why="the output folder was created"
  else
    # cells: N = T task(s) x O optimizer(s) x S scheduler(s) x D seed(s)
    read -r n t o s d <<< "$(echo "$line" | tr -c '0-9\n' ' ')"
    if [ -z "${d:-}" ] || [ "$n" -ne $((t * o * s * d)) ] || [ "$n" -lt 1 ]; then
      why="cell count is not the product of its factors: $line"
    fi
  fi
  report "run --check prints the plan and writes nothing" $([ -z "$why" ]; echo $?) "$why"
fi

# the plan --check prints is for a person: numbers in their shortest form (safety=1.9, not
# 1.8999999999999999) and only the keys that apply to each task (nmf-faces shows no m, n,
# true_rank, noise, data_seed, samples, vocab, weighting; nmf-synthetic shows m). The
# canonical dump that cell ids hash keeps every key (provenance.txt: tests/e2e_run.sh).
if [ $have_faces -eq 1 ]; then
  run run "$script" --check --out "$out"
  faces_line=$(grep '^  task  *nmf-faces ' "$tmp/stdout")
  synth_line=$(grep '^  task  *nmf-synthetic ' "$tmp/stdout")
  greedy_line=$(grep '^  scheduler greedy ' "$tmp/stdout")
  why=""
  if [ $rc -ne 0 ]; then why="exit code $rc"
  elif grep -q '^  .*[0-9]\{14\}' "$tmp/stdout"; then
    why="a number of the components in its %.17g form: $(grep -m 1 '[0-9]\{14\}' "$tmp/stdout")"
  elif [ "${faces_line#*;safety=1.9 \}}" = "$faces_line" ]; then why="faces: not safety=1.9: $faces_line"
  elif [ "${greedy_line#*;factor=0.95;}" = "$greedy_line" ]; then why="greedy: not factor=0.95: $greedy_line"
  elif echo "$faces_line" | grep -Eq ';(m|n|true_rank|noise|data_seed|samples|vocab|weighting)='; then
    why="faces: a key of another data set: $faces_line"
  elif [ "${synth_line#*;m=256;n=500;true_rank=10;noise=0.1;data_seed=1 \}}" = "$synth_line" ]; then
    why="synthetic: its own keys missing: $synth_line"
  elif echo "$synth_line" | grep -Eq ';(samples|vocab|weighting)='; then
    why="synthetic: a key of another data set: $synth_line"
  elif ! grep -Eq '^estimate: [0-9]+:[0-9]{2} for the 216 cells still to train on this machine \(' "$tmp/stdout"; then
    why="estimate: $(grep '^estimate' "$tmp/stdout")"
  fi
  report "run --check: shortest numbers, only the keys that apply" $([ -z "$why" ]; echo $?) "$why"
fi

# a key given to a task it does not apply to is ignored, so it is named in a warning (once per
# distinct line); the script is not refused (a committed study gives one: its cells' ids hash
# the value). charlm's plan shows the mlp's keys with model = mlp, the transformer's without.
cat > "$tmp/ign.lua" <<'LUA'
local t = {}
for _, r in ipairs({ 4, 8 }) do t[#t + 1] = task "nmf" { label = "f" .. r, dataset = "faces", rank = r, m = 100 } end
t[#t + 1] = task "charlm" { dataset = "synthetic", model = "mlp", d_model = 32, heads = 2, synthetic_chars = 2000, context = 4, seq_len = 4, batch = 2, hidden = 8, embed = 4, eval_batches = 1, steps = 10, eval_every = 5 }
t[#t + 1] = task "charlm" { label = "gpt", dataset = "synthetic", synthetic_chars = 2000, context = 4, batch = 2, d_model = 8, heads = 2, layers = 1, eval_batches = 1, steps = 10, eval_every = 5 }
experiment { name = "ign", seeds = { 1 }, tasks = t, optimizers = { optimizer "sgd" { lr = 0.1 } },
             schedulers = { scheduler "constant" {} } }
LUA
{
  echo "lrlab: warning: $tmp/ign.lua:2: task \"nmf\": m: ignored (it applies only with dataset = synthetic, got dataset = faces)"
  echo "lrlab: warning: $tmp/ign.lua:3: task \"charlm\": d_model: ignored (it applies only with model = transformer, got model = mlp)"
  echo "lrlab: warning: $tmp/ign.lua:3: task \"charlm\": heads: ignored (it applies only with model = transformer, got model = mlp)"
} > "$tmp/ign.expected"
run list --versions "$tmp/ign.lua"
why=""
if [ $rc -ne 0 ]; then why="exit code $rc (expected 0)"
elif ! cmp -s "$tmp/stderr" "$tmp/ign.expected"; then why="warnings: $(cat "$tmp/stderr")"
fi
report "a key that does not apply: one warning line each" $([ -z "$why" ]; echo $?) "$why"
sed -i 2d "$tmp/ign.lua" # the charlm tasks only: no data to fetch
run run "$tmp/ign.lua" --check --out "$out"
mlp_line=$(grep '^  task  *charlm-synthetic ' "$tmp/stdout")
gpt_line=$(grep '^  task  *gpt ' "$tmp/stdout")
why=""
if [ $rc -ne 0 ]; then why="exit code $rc: $(cat "$tmp/stderr")"
elif [ "$(grep -c 'warning: ' "$tmp/stderr")" -ne 2 ]; then why="not two warnings: $(cat "$tmp/stderr")"
elif echo "$mlp_line" | grep -Eq ';(d_model|heads|layers|init)='; then why="mlp: a transformer key: $mlp_line"
elif ! echo "$mlp_line" | grep -q ';seq_len=4;batch=2;hidden=8;embed=4;activation=tanh;'; then
  why="mlp: its own keys missing: $mlp_line"
elif echo "$gpt_line" | grep -Eq ';(seq_len|hidden|embed|activation)='; then why="transformer: an mlp key: $gpt_line"
elif ! echo "$gpt_line" | grep -q ';d_model=8;heads=2;layers=1;init=gpt2;'; then
  why="transformer: its own keys missing: $gpt_line"
elif [ -e "$out" ]; then why="the output folder was created"
fi
report "run --check: charlm shows its model's keys only" $([ -z "$why" ]; echo $?) "$why"

echo "cli: $passes passed, $fails failed, $skips skipped"
[ $fails -eq 0 ]
