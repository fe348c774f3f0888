#!/usr/bin/env bash
# paper_regen.sh - the paper's generated parts are what lrlab makes of the committed results:
#  1. `lrlab report results/paper --paper paper/ --tie paper --interval units` (the first
#     study) writes report.md, tables/ and figures/ byte-identical to paper/'s, and nothing
#     paper/ lacks;
#     and `lrlab compare results/paper --tie paper --interval units --multiverse` draws
#     paper/figures/multiverse.png (paper.md section 3.1);
#  2. the second study's command (README.md, "The second study") writes paper/study2
#     byte-identically (every file but figures/multiverse.pdf, which is not committed);
#     report.html, which embeds the figures and is not committed either, is left out of both
#     comparisons (tests/report_html.sh checks it);
#  3. scripts/study2_numbers.sh --check paper/paper.md: every percentage and p-value of the
#     abstract is recomputed from the committed folders, the learned-schedule arm's included;
#  4. in a git checkout, paper/protocol.md was committed before the first result of
#     results/study2 (its commit is an ancestor of theirs).
# The committed files are copied to a temporary folder first (lrlab report writes its
# comparison files into the folder it reads), so the source tree is never written. In a git
# checkout only tracked files are copied, so results unpacked or made by hand in the working
# tree cannot make the test pass.
# usage: paper_regen.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$(cd "$1" && pwd) bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
arms=(hf-eval paper-train adafactor-default long long-hf-eval)
folders=(results/paper results/study2/primary results/study2/size results/study2/short-matched)
for a in "${arms[@]}"; do folders+=("results/study2/$a"); done
# the learned-schedule arm, whose numbers study2_numbers.sh reads beside results/study2
folders+=(results/eval_rl_dnn results/grid_rl_dnn results/eval_rl_mlp results/grid_rl_mlp)

# ---- the committed result files, copied ----
if git -C "$src" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  (cd "$src" && git ls-files -z -- "${folders[@]}" results/policies) | (cd "$src" && xargs -0 cp --parents -t "$tmp")
  # the protocol was committed before any of the second study's results
  first() { git -C "$src" log --diff-filter=A --format=%H -- "$@" | tail -n 1; }
  protocol=$(first paper/protocol.md) results=$(first results/study2)
  [ -n "$protocol" ] && [ -n "$results" ] || fail "no commit adding paper/protocol.md or results/study2"
  git -C "$src" merge-base --is-ancestor "$protocol" "$results" && [ "$protocol" != "$results" ] \
    || fail "paper/protocol.md ($protocol) does not precede results/study2 ($results)"
  echo "protocol: committed in ${protocol:0:7}, before the first results in ${results:0:7}"
else
  for f in "${folders[@]}" results/policies; do mkdir -p "$tmp/$(dirname "$f")" && cp -r "$src/$f" "$tmp/$f"; done
fi
for f in "${folders[@]}"; do [ -f "$tmp/$f/provenance.txt" ] || fail "$f: no provenance.txt among the committed files"; done
cd "$tmp"

# same DIR EXPECTED [EXCLUDE...]: DIR holds exactly EXPECTED's files (less EXCLUDEs), same bytes
same() {
  local got=$1 want=$2; shift 2
  local ex=(-x .lrlab.lock) e # the lock lrlab keeps in every folder it writes (empty)
  for e in "$@"; do ex+=(-x "$e"); done
  diff -r -q "${ex[@]}" "$want" "$got" > diff.txt || { cat diff.txt >&2; fail "$got differs from $want"; }
  [ "$(find "$got" -type f | wc -l)" -gt 10 ] || fail "$got: too few files written"
}

# ---- 1. the first study ----
start=$SECONDS
"$bin" report results/paper --paper paper/ --tie paper --interval units > first.txt 2>&1 \
  || { cat first.txt >&2; fail "report on results/paper failed"; }
same paper "$src/paper" paper.md method.md protocol.md study2 multiverse.png report.html
# paper.md section 3.1's specification curve, copied from compare --multiverse's folder
"$bin" compare results/paper --tie paper --interval units --multiverse > multiverse.txt 2>&1 \
  || { cat multiverse.txt >&2; fail "compare --multiverse on results/paper failed"; }
cmp results/paper/figures/multiverse.png "$src/paper/figures/multiverse.png" \
  || fail "paper/figures/multiverse.png is not compare --multiverse's figure"
echo "first study: paper/report.md, $(ls paper/tables | wc -l) tables, $(ls paper/figures | wc -l) figure files identical ($((SECONDS - start)) s)"

# ---- 2. the second study ----
start=$SECONDS
cmd=("$bin" report results/study2/primary --paper paper/study2)
for a in "${arms[@]}"; do cmd+=(--arm "results/study2/$a"); done
"${cmd[@]}" --size results/study2/size > second.txt 2>&1 \
  || { cat second.txt >&2; fail "report on results/study2/primary failed"; }
[ -f paper/study2/figures/multiverse.pdf ] || fail "no figures/multiverse.pdf written"
same paper/study2 "$src/paper/study2" multiverse.pdf report.html
echo "second study: paper/study2 identical, $(find paper/study2 -type f | wc -l) files ($((SECONDS - start)) s)"

# ---- 3. the abstract's numbers ----
start=$SECONDS
(cd "$src" && FIRST_STUDY="$tmp/results/paper" bash scripts/study2_numbers.sh --check paper/paper.md \
   "$tmp/results/study2" "$bin") > numbers.txt 2>&1 || { cat numbers.txt >&2; fail "the abstract's numbers"; }
grep -q '^learned dnn, fashion-mlp-64-held-out, against the equal-cost grid (1600 runs' numbers.txt \
  || { cat numbers.txt >&2; fail "no learned-schedule numbers"; }
grep '^learned dnn\|^size' numbers.txt
echo "abstract: every number recomputed ($((SECONDS - start)) s)"
echo "paper_regen: ok"
