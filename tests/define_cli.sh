#!/usr/bin/env bash
# define_cli.sh - lrlab run --define KEY=VALUE (harness/engine/defines.h), end to end, on
# tests/e2e/arms.lua: one script whose scheduler is define.arm (constant or cosine), a
# synthetic quadratic with a tuning stage, two seeds, 40 steps; each run takes well under a
# second.
#  1. the arms: arm=constant and arm=cosine give different cell ids; arm=constant twice the
#     same bytes (runs.csv, curves.csv, evals.csv, plan.csv, tuning.csv, provenance.txt);
#     provenance.txt has "defines: arm=constant" after lua_seed, and a folder made without
#     --define has no defines line (a script that finds define empty); several keys are
#     recorded sorted by key; run --check and list --versions take --define.
#  2. lrlab verify of a folder made with --define passes (it loads the script with the
#     recorded defines); with the defines line edited to something malformed, verify is
#     refused, exit 2, one line; with another valid arm it finds other cell ids.
#  3. refusals, each exit 2 with one line (check_refusal), nothing written: a missing =, an
#     empty key, a bad key, an empty value, a value with ;, a space or a newline, a key given
#     twice, 17 pairs, --define without its value (run and list --versions); the script's own
#     error for an unknown arm or none (define.arm is nil); an assignment to define; a rerun of
#     arm=cosine, or of no defines, into the folder of arm=constant (resumed or joined: it
#     would mix the arms), while the same arm resumes.
#  4. the two-phase flow: --phase tune shards, the join and --phase eval, all with the same
#     --define, give the bytes of one run; the join of another arm into the joined folder is
#     refused.
#  5. run --help documents --define.
# usage: define_cli.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LRLAB_DATA="${LRLAB_DATA:-$src/data}"
unset LRLAB_BLAS
fail() { # NAME WHY [FILE]
  echo "FAIL: $1: $2" >&2
  if [ $# -ge 3 ] && [ -s "$3" ]; then head -n 20 "$3" | sed 's/^/    /' >&2; fi
  exit 1
}
. "$src/tests/refusal.sh"
cd "$tmp"
cp "$src/tests/e2e/arms.lua" .
run() { # run OUT ARGS...: lrlab run arms.lua into OUT, quietly
  local out=$1
  shift
  "$bin" run arms.lua --out "$out" --quiet -j 2 "$@" > "run_$out.log" 2>&1 || fail "run $out $*" "run_$out.log"
}
ids() { cut -d, -f2 "$1/plan.csv" | tail -n +2 | sort; }
files="runs.csv curves.csv evals.csv plan.csv tuning.csv"

# ---- 1. the arms ----
run c1 --define arm=constant
run c2 --define arm=constant
run k --define arm=cosine
for f in $files provenance.txt; do
  cmp -s "c1/$f" "c2/$f" || fail "same arm twice" "$f differs"
done
[ -z "$(comm -12 <(ids c1) <(ids k))" ] || fail "two arms" "they share cell ids"
[ "$(cut -d, -f6 c1/plan.csv | sort -u | tr '\n' ' ')" = "constant scheduler " ] || fail "arm constant" "plan.csv" c1/plan.csv
[ "$(cut -d, -f6 k/plan.csv | sort -u | tr '\n' ' ')" = "cosine scheduler " ] || fail "arm cosine" "plan.csv" k/plan.csv
grep -A1 '^lua_seed: 0$' c1/provenance.txt | grep -qx 'defines: arm=constant' \
  || fail provenance "no line \"defines: arm=constant\" after lua_seed" c1/provenance.txt
[ "$(grep -c '^defines: ' c1/provenance.txt)" -eq 1 ] || fail provenance "defines written twice" c1/provenance.txt
grep -qx 'arm: constant' c1/provenance.txt || fail provenance "the script's arm = define.arm is not recorded" c1/provenance.txt
cat > plain.lua << 'EOF'
for k in pairs(define) do error("define." .. k .. " without --define") end
experiment { name = "plain", seeds = { 1 },
  tasks = { task "quadratic" { dim = 8, steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
EOF
"$bin" run plain.lua --out plain --quiet > plain.log 2>&1 || fail "no --define" "plain.lua" plain.log
grep -q '^defines' plain/provenance.txt && fail "no --define" "provenance.txt has a defines line" plain/provenance.txt
cat > keys.lua << 'EOF'
local seen = {}
for k, v in pairs(define) do seen[#seen + 1] = k .. "=" .. v end
table.sort(seen)
assert(table.concat(seen, ";") == "a=1;b.c=x+y;z_9=0.5", table.concat(seen, ";"))
experiment { name = "keys", seeds = { 1 },
  tasks = { task "quadratic" { dim = 8, steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
EOF
"$bin" run keys.lua --out keys --quiet --define z_9=0.5 --define a=1 --define b.c=x+y > keys.log 2>&1 \
  || fail "three keys" "keys.lua" keys.log
grep -qx 'defines: a=1;b.c=x+y;z_9=0.5' keys/provenance.txt || fail "three keys" "not sorted by key" keys/provenance.txt
"$bin" run arms.lua --check --define arm=cosine > check.out 2>&1 || fail "run --check" "with --define" check.out
grep -q 'scheduler "cosine"' check.out || fail "run --check" "the plan is not arm cosine's" check.out
[ "$("$bin" list --versions arms.lua --define arm=cosine)" = "versions: task quadratic 1; optimizer sgd 1; scheduler cosine 1" ] \
  || fail "list --versions" "with --define arm=cosine"
echo "ok: two arms, two sets of cells; the same arm, the same bytes; provenance's defines line (sorted, only with --define); --check, list --versions"

# ---- 2. verify ----
"$bin" verify c1 --sample 2 > verify.out 2>&1 || fail verify "a folder made with --define" verify.out
grep -q '^verified: 2 of 2 cells byte-identical' verify.out || fail verify "last line" verify.out
"$bin" verify k --sample 100 > verify.out 2>&1 || fail verify "every cell of arm cosine" verify.out
grep -q '^verified: 4 of 4 cells byte-identical' verify.out || fail verify "arm cosine" verify.out
cp -r c1 bad
sed -i 's/^defines: .*/defines: arm=constant;arm=cosine/' bad/provenance.txt
rc=0
"$bin" verify bad --sample 2 > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
check_refusal "verify, malformed defines" "$rc" 2 "lrlab: verify: bad/provenance.txt: defines: invalid value (expected k=v;k=v, keys in increasing order, at most 16 pairs, each KEY=VALUE with KEY and VALUE each 1 to 63 characters of A-Z a-z 0-9 - _ . +, the first a letter, digit or _, no __, got \"arm=constant;arm=cosine\")" || exit 1
sed -i 's/^defines: .*/defines: arm=cosine/' bad/provenance.txt
rc=0
"$bin" verify bad --sample 2 > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
[ "$rc" -eq 2 ] && grep -q "^lrlab: verify: bad/plan.csv: line 2: cell $(sed -n 2p c1/plan.csv | cut -d, -f2), the script's plan gives $(sed -n 2p k/plan.csv | cut -d, -f2) " "$tmp/stderr" \
  || fail "verify, another arm" "exit $rc" "$tmp/stderr"
echo "ok: verify loads the script with the recorded defines; a malformed defines line is refused"

# ---- 3. refusals: exit 2, one line, nothing written ----
snapshot() { find c1 -type f ! -name .lrlab.lock -printf '%p %s %T@\n' | sort; find c1 -type f ! -name .lrlab.lock -exec md5sum {} + | sort; }
snapshot > before
rule='KEY=VALUE with KEY and VALUE each 1 to 63 characters of A-Z a-z 0-9 - _ . +, the first a letter, digit or _, no __'
refuse() { # NAME WANT ARGS...: lrlab ARGS is refused with WANT, writes nothing
  local name=$1 want=$2 rc=0
  shift 2
  "$bin" "$@" > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
  check_refusal "$name" "$rc" 2 "$want" "lrlab $*" || exit 1
  snapshot | cmp -s - before || fail "$name" "c1's files changed: $*"
  [ ! -e new ] || fail "$name" "the output folder was made: $*"
}
refuse "missing =" "lrlab: run: --define: missing = (expected $rule, got \"arm\")" run arms.lua --out new --define arm
refuse "empty key" "lrlab: run: --define: invalid key (expected $rule, got \"=constant\")" run arms.lua --out new --define =constant
refuse "bad key" "lrlab: run: --define: invalid key (expected $rule, got \"a/rm=constant\")" run arms.lua --out new --define a/rm=constant
refuse "key of __" "lrlab: run: --define: invalid key (expected $rule, got \"a__rm=constant\")" run arms.lua --out new --define a__rm=constant
refuse "empty value" "lrlab: run: --define: invalid value (expected $rule, got \"arm=\")" run arms.lua --out new --define arm=
refuse "value with ;" "lrlab: run: --define: invalid value (expected $rule, got \"arm=constant;x=y\")" run arms.lua --out new --define 'arm=constant;x=y'
refuse "value with =" "lrlab: run: --define: invalid value (expected $rule, got \"arm=a=b\")" run arms.lua --out new --define arm=a=b
refuse "value with a space" "lrlab: run: --define: invalid value (expected $rule, got \"arm=con stant\")" run arms.lua --out new --define 'arm=con stant'
refuse "value with a newline" "lrlab: run: --define: invalid value (expected $rule, got \"arm=constant\\nx\")" run arms.lua --out new --define "$(printf 'arm=constant\nx')"
long=$(printf 'v%.0s' $(seq 1 64))
refuse "value too long" "lrlab: run: --define: invalid value (expected $rule, got \"arm=${long:0:36}\"... (68 bytes))" run arms.lua --out new --define "arm=$long"
refuse "key twice" "lrlab: run: --define: arm: given twice (expected each KEY once, got arm=constant and \"arm=cosine\")" run arms.lua --out new --define arm=constant --define arm=cosine
many=()
for i in $(seq 1 17); do many+=(--define "k$i=v"); done
refuse "17 pairs" "lrlab: run: --define: too many (expected at most 16 KEY=VALUE, got \"k17=v\" as number 17)" run arms.lua --out new "${many[@]}"
refuse "no value" "lrlab: run: --define: missing value (expected $rule, got nothing)" run arms.lua --out new --define
refuse "--check" "lrlab: run: --define: missing = (expected $rule, got \"arm\")" run arms.lua --check --out new --define arm
refuse "list --versions" "lrlab: list: --define: invalid value (expected $rule, got \"arm=a b\")" list --versions arms.lua --define 'arm=a b'
refuse "list --versions, no value" "lrlab: list: --define: missing value (expected $rule, got nothing)" list --versions arms.lua --define
line=$(grep -n '^  error(' arms.lua | cut -d: -f1)
refuse "unknown arm" "lrlab: arms.lua:$line: define.arm: unknown arm (expected constant or cosine, as lrlab run arms.lua --define arm=cosine, got adam)" run arms.lua --out new --define arm=adam
refuse "no arm" "lrlab: arms.lua:$line: define.arm: unknown arm (expected constant or cosine, as lrlab run arms.lua --define arm=cosine, got nil)" run arms.lua --out new
refuse "no arm (list --versions)" "lrlab: arms.lua:$line: define.arm: unknown arm (expected constant or cosine, as lrlab run arms.lua --define arm=cosine, got nil)" list --versions arms.lua
echo 'define.arm = "cosine"' > assign.lua
refuse "assignment" "lrlab: assign.lua:1: define.arm: read-only (expected values given as lrlab run --define KEY=VALUE, read as local x = define.arm or DEFAULT; got an assignment)" run assign.lua --out new --define arm=constant
refuse "another arm into the folder" "lrlab: c1: made with other defines (expected this run's, arm=cosine, got arm=constant in its provenance.txt; a folder holds one arm: give another --out)" run arms.lua --out c1 --define arm=cosine
refuse "another arm, --fresh" "lrlab: c1: made with other defines (expected this run's, arm=cosine, got arm=constant in its provenance.txt; a folder holds one arm: give another --out)" run arms.lua --out c1 --define arm=cosine --fresh
refuse "no defines into the folder" "lrlab: c1: made with other defines (expected this run's, none, got arm=constant in its provenance.txt; a folder holds one arm: give another --out)" run plain.lua --out c1
"$bin" run arms.lua --out c1 --define arm=constant > resume.out 2>&1 || fail resume "the same arm" resume.out
grep -q '^arms: 4 cells (0 trained now, 4 already done' resume.out || fail resume "trained again" resume.out
echo "ok: refusals (missing =, empty, bad or __ key, empty value, ;, =, space, newline, too long, twice, 17 pairs, no value; list --versions; the script's error; an assignment; another arm or none into a folder): exit 2, one line, nothing written"

# ---- 4. the two-phase flow ----
for k in 1 2; do run "t$k" --define arm=cosine --phase tune --shard "$k/2"; done
run T --define arm=cosine --phase tune --reuse t1 --reuse t2
run E --define arm=cosine --phase eval --reuse T
for f in $files; do cmp -s "k/$f" "E/$f" || fail "two phases" "$f differs from one run's"; done
grep -qx 'defines: arm=cosine' T/provenance.txt && grep -qx 'defines: arm=cosine' E/provenance.txt \
  && grep -qx 'defines: arm=cosine' t1/provenance.txt || fail "two phases" "a folder without the defines line"
rc=0
"$bin" run arms.lua --out T --define arm=constant --phase tune --reuse t1 --reuse t2 > "$tmp/stdout" 2> "$tmp/stderr" || rc=$?
check_refusal "join of another arm" "$rc" 2 "lrlab: T: made with other defines (expected this run's, arm=constant, got arm=cosine in its provenance.txt; a folder holds one arm: give another --out)" || exit 1
echo "ok: tuning shards, join and evaluation with --define give one run's bytes; a join of another arm is refused"

# ---- 5. help ----
"$bin" run --help > help.txt
grep -q -- '--define KEY=VALUE' help.txt || fail help "run --help does not document --define"
echo "ok: run --help documents --define"
