#!/usr/bin/env bash
# flops.sh - scripts/bench/flops.py's FLOP counts against hand-computed values, its cell
# accounting on a hand-made folder, and its refusals.
#
# What:
#   1. results/paper with --sgemm-gflops 100; the table's FLOP/step, FLOP/eval and params
#      columns against these counts, made by hand from the task code (flops.py's conventions:
#      a multiply-add 2, each add, multiply, division, exp, log 1, comparisons 0):
#      mlp-fashion, 784-64-10, batch 64 (tasks/mlp.c, tasks/images.c):
#        gather (a division a pixel)          64 x 784                      =     50,176
#        forward GEMMs                        2 x 64 x (784 x 64 + 64 x 10) =  6,504,448
#        cross-entropy and its gradient       64 x (6 x 10 + 3)             =      4,032
#        weight gradients (GEMMs)             the same as forward           =  6,504,448
#        bias gradients                       64 x (64 + 10)                =      4,736
#        input gradient of layer 2            2 x 64 x 64 x 10              =     81,920
#        step                                                               = 13,149,760
#        evaluation: 1,000 + 1,000 images x (784 + 2 x 784 x 64 + 2 x 64 x 10 + 33)
#                    = 2,000 x 102,449                                      = 204,898,000
#        parameters 784 x 64 + 64 + 64 x 10 + 10                            =     50,890
#      quadratic, n = 100, rotated (tasks/synthetic.c):
#        Q^T x: reflections k = 0 .. 98 of 4 (100 - k) + 1 = 4 x (2 + ... + 100) + 99 = 20,295,
#               plus the signs 100                                          =     20,395
#        clean f: w - w* 100, Q^T 20,395, lambda z^2 summed 300, the half 1   =     20,796
#        step: clean f 20,796 + gradient lambda z 100 + Q 20,395 + noise term
#              xi . (w - w_t) 300 and 2 adds + g = gd + xi 100 + the noise draws 2 x 100 + 2
#                                                                           =     41,895
#        evaluation: clean f                                                =     20,796
#      nmf-faces, 200 x 625 faces, rank 16, batch 16 (tasks/nmf.c): three GEMMs of
#        16 x 625 x 16 (6 x 16 x 625 x 16 = 960,000) and the residual's squared norm
#        (2 x 16 x 625 = 20,000)                                            =    980,000
#      and, with an SGEMM rate of 100, the GFLOP/s and %SGEMM columns equal (to their 2 and 3
#      decimals).
#   2. tests/fixtures/flops/: one rotated quadratic of n = 4, 10 steps, an evaluation every 5:
#        Q^T x = (17 + 13 + 9) + 4 = 43; clean f = 4 + 43 + 12 + 1 = 60; the noise term
#        3 x 4 + 2 = 14; step = 60 + 4 + 43 + 14 + 4 + (2 x 4 + 2) = 135; loss_at = 74
#        evaluations: at 0, at the stages 1, 5, 10 (10, 50, 100%) and every 5: 0, 1, 5, 10
#        sgd constant, not diverged: 10 x (135 + 2 x 4) + 4 x 60          = 1,670
#        adam sls, diverged at step 3 after 7 line-search trials: 4 steps of
#        135 + 14 x 4 + 2 x 4 = 199, trials 7 x (74 + 2 x 4), evaluations at 0 and 1:
#        796 + 574 + 120                                                  = 1,490
#        the tuning cell (sgd constant, cells.csv.gz)                     = 1,670
#      totals 4,830 (all), 1,490 (--scheduler sls), 3,340 (--optimizer sgd), 1,670 (--kind
#      tune), 3,160 (--kind eval); 4,830 FLOPs in
#      4 us: 1.208 GFLOP/s.
#   3. Bad input: one line on stderr, exit code 2, nothing on stdout.
# Why: scripts/bench/RESULTS.md ("Where the machine's limit is") and README.md's Performance
# quote these numbers.
# usage: flops.sh SRC_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
fl() { /usr/bin/python3 "$src/scripts/bench/flops.py" "$@"; }
cd "$src"

# 1. hand counts on the paper's folder
fl results/paper --sgemm-gflops 100 > "$tmp/paper.txt"
field() { awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$tmp/paper.txt"; }
expect() { # TASK COLUMN VALUE WHAT
  local got; got=$(field "$1" "$2")
  [ "$got" = "$3" ] || fail "$1: $4 = ${got:-none} (expected $3)"
}
expect mlp-fashion 3 50890 params
expect mlp-fashion 4 13149760 FLOP/step
expect mlp-fashion 5 204898000 FLOP/eval
expect quadratic 3 100 params
expect quadratic 4 41895 FLOP/step
expect quadratic 5 20796 FLOP/eval
expect nmf-faces 4 980000 FLOP/step
[ "$(field all 2)" = 13860 ] || fail "all: cells = $(field all 2) (expected 11,088 + 2,772)"
awk 'NR > 2 && $1 != "total:" && $(NF - 1) != "nan" {
       d = $(NF - 1) - $NF; if (d > 0.0051 || d < -0.0051) bad = bad " " $1 }
     END { if (bad != "") { print "GFLOP/s and %SGEMM differ at SGEMM 100:" bad; exit 1 } }' \
  "$tmp/paper.txt" || fail "rate column"

# 2. the hand-made folder
total() { fl tests/fixtures/flops --sgemm-gflops 100 "$@" | awk '$1 == "total:" { print $2 }'; }
[ "$(total)" = 4830 ] || fail "fixture: total $(total) (expected 4830)"
[ "$(total --scheduler sls)" = 1490 ] || fail "fixture, sls: total $(total --scheduler sls) (expected 1490)"
[ "$(total --optimizer sgd)" = 3340 ] || fail "fixture, sgd: total $(total --optimizer sgd) (expected 3340)"
[ "$(total --kind tune)" = 1670 ] || fail "fixture, tuning: total $(total --kind tune) (expected 1670)"
[ "$(total --kind eval)" = 3160 ] || fail "fixture, evaluation: total $(total --kind eval) (expected 3160)"
rate=$(fl tests/fixtures/flops --sgemm-gflops 100 | awk '$1 == "quad4" { print $(NF - 1) }')
[ "$rate" = 1.208 ] || fail "fixture: GFLOP/s $rate (expected 1.208)"

# 3. refusals
refused() { # WANT_LINE ARGS...: exit code 2, that one line on stderr, stdout empty
  local want=$1 rc=0
  shift
  fl "$@" > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
  [ "$rc" = 2 ] || fail "$*: exit code $rc (expected 2)"
  [ ! -s "$tmp/stdout" ] || fail "$*: wrote to stdout"
  [ "$(wc -l < "$tmp/stderr")" = 1 ] || fail "$*: $(wc -l < "$tmp/stderr") lines on stderr (expected 1)"
  [ "$(cat "$tmp/stderr")" = "$want" ] || fail "$*: stderr '$(cat "$tmp/stderr")' (expected '$want')"
}
refused "flops.py: $tmp/none: not a folder (expected a result folder of lrlab run)" \
  "$tmp/none" --sgemm-gflops 100
refused "flops.py: --sgemm-gflops: invalid value (expected a rate > 0 in GFLOP/s, got -3)" \
  tests/fixtures/flops --sgemm-gflops -3
cp -r tests/fixtures/flops "$tmp/noprov"
rm "$tmp/noprov/provenance.txt"
refused "flops.py: $tmp/noprov/provenance.txt: missing (expected provenance.txt or provenance.txt.gz in the result folder)" \
  "$tmp/noprov" --sgemm-gflops 100
cp -r tests/fixtures/flops "$tmp/badplan"
sed -i '3s/quad4/quad5/' "$tmp/badplan/plan.csv"
refused "flops.py: $tmp/badplan/plan.csv: line 3: task quad5: not in provenance.txt (expected a resolved task line of that label)" \
  "$tmp/badplan" --sgemm-gflops 100
cp -r tests/fixtures/flops "$tmp/badtime"
sed -i '2s/,0\.000001$/,soon/' "$tmp/badtime/timing.csv"
refused "flops.py: $tmp/badtime/timing.csv: line 2: seconds: invalid value (expected a number >= 0, got soon)" \
  "$tmp/badtime" --sgemm-gflops 100
echo "flops: all checks passed"
