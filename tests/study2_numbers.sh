#!/usr/bin/env bash
# study2_numbers.sh - scripts/study2_numbers.sh on a small study of two arms and a size sweep:
# it prints every arm's verdict, the multiverse and the size trend, leaves the study's folders
# as they were, and --check accepts an abstract quoting those numbers and refuses one quoting
# a number no result gives (exit 1, naming it).
# usage: study2_numbers.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$tmp/study"
arm() { # arm NAME VARIANT
  cat > "$tmp/$1.lua" <<LUA
experiment { name = "s2", arm = { greedy = "$2" }, seeds = { 1, 2, 3, 4, 5, 6 },
  tasks = { task "quadratic" { label = "q", dim = 10, sigma = 0.1, steps = 60, eval_every = 10 },
            task "rosenbrock" { label = "r", dim = 4, sigma = 0.1, steps = 60, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 }, optimizer "adam" { lr = 0.01 } },
  schedulers = { scheduler "greedy" { label = "greedy", variant = "$2", signal = "train_step" },
                 scheduler "constant" {}, scheduler "sls" {}, scheduler "hd" { label = "hd-group", granularity = "group" } } }
LUA
  "$bin" run "$tmp/$1.lua" --out "$tmp/study/$1" --quiet -j 2 > /dev/null || fail "run $1"
}
arm primary hf
arm hf-eval paper
cat > "$tmp/size.lua" <<LUA
experiment { name = "size", seeds = { 1, 2, 3, 4 },
  tasks = { task "quadratic" { label = "q10", dim = 10, sigma = 0.1, steps = 60, eval_every = 10 },
            task "quadratic" { label = "q30", dim = 30, sigma = 0.1, steps = 60, eval_every = 10 },
            task "quadratic" { label = "q100", dim = 100, sigma = 0.1, steps = 60, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "greedy" { label = "greedy", signal = "train_step" }, scheduler "constant" {} } }
LUA
"$bin" run "$tmp/size.lua" --out "$tmp/study/size" --quiet -j 2 > /dev/null || fail "run size"
before=$(find "$tmp/study" -type f | sort | xargs sha256sum | sha256sum)

cd "$src"
bash scripts/study2_numbers.sh "$tmp/study" "$bin" > "$tmp/out.txt" || fail "study2_numbers.sh"
for want in '^arm primary: ' '^arm hf-eval: ' "^primary, the paper's tie rule: " '^primary, non-inferior: ' \
            '^against sls, training objective: [0-9]+ wins' '^against hd-group, training objective: ' \
            '^against sls, evaluations to target: ' '^multiverse: [0-9]+ specifications over 2 arms' \
            '^size: S = -?[0-9.]+, one-sided p = '; do
  grep -qE "$want" "$tmp/out.txt" || fail "no line $want in: $(cat "$tmp/out.txt")"
done
after=$(find "$tmp/study" -type f | sort | xargs sha256sum | sha256sum)
[ "$before" = "$after" ] || fail "the study's folders were written"
echo "ok: every number, the study's folders untouched"

# --check: an abstract quoting the primary arm's share and the size test's p passes; a share
# no result gives fails with its name
share=$(grep -oE '^arm primary: [0-9.]+%' "$tmp/out.txt" | grep -oE '[0-9.]+%')
p=$(grep -oE 'p = [0-9.e-]+' "$tmp/out.txt" | head -1)
printf '# t\n\n## Abstract\n\nIn a second study GreedyLR was as good in %s of comparisons; size trend %s.\n\n## 1. More\n\n12.3%% elsewhere is not checked.\n' "$share" "$p" > "$tmp/paper.md"
FIRST_STUDY="$tmp/study/primary" bash scripts/study2_numbers.sh --check "$tmp/paper.md" "$tmp/study" "$bin" > /dev/null \
  || fail "--check refused a true abstract"
sed -i 's/was as good in [0-9.]*%/was as good in 99.9%/' "$tmp/paper.md"
rc=0
FIRST_STUDY="$tmp/study/primary" bash scripts/study2_numbers.sh --check "$tmp/paper.md" "$tmp/study" "$bin" > /dev/null 2> "$tmp/err" || rc=$?
[ $rc -eq 1 ] || fail "--check accepted 99.9% (exit $rc)"
grep -q 'the abstract quotes 99.9%' "$tmp/err" || fail "the message: $(cat "$tmp/err")"
echo "ok: --check"
