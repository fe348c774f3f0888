#!/usr/bin/env bash
# study2_numbers.sh - every number the abstract of paper/paper.md quotes from the second study
# (paper/protocol.md), recomputed from the committed result folders alone.
#
# What: copies the committed files of each arm under STUDY (default results/study2: runs,
# evaluations, plan, tuning, timing, provenance; plain or packed) into a temporary folder, so
# that STUDY is never written, and runs lrlab compare there with the protocol's primary
# analysis (section 6: --tie task:0.01 --reading not-worse --interval crossed). Prints:
#   arm ARM: SHARE (LOW-HIGH) of N comparisons: VERDICT      every arm present
#   primary, the paper's tie rule: ...; primary, non-inferior: ...
#   multiverse: N specifications over A arms: S supported, X not supported, U undecided
#   size: S = ..., one-sided p = ...                          (section 5)
#   against sls, evals to target: W wins, T ties, L losses (section 6 item 5; and hd-group,
#   hd-param on the training objective)
#   learned dnn|mlp, TASK, ...                                (section 7, from eval_rl_dnn,
#   grid_rl_dnn, eval_rl_mlp, grid_rl_mlp and policies/ beside STUDY, where present)
# With --check FILE, also checks that every percentage and p-value FILE's abstract quotes from
# the words "a second study" on (the abstract: the text between "## Abstract" and the next
# "## " heading) is one of those numbers or one of the first study's (scripts/paper_numbers.sh
# on $FIRST_STUDY, default results/paper), and exits 1 naming any that is not.
# usage: bash scripts/study2_numbers.sh [--check FILE] [STUDY] [LRLAB_BIN]
set -euo pipefail
check=''
if [ "${1:-}" = --check ]; then
  [ $# -ge 2 ] || { echo "usage: $0 [--check FILE] [STUDY] [LRLAB_BIN]" >&2; exit 2; }
  check=$2; shift 2
  [ -f "$check" ] || { echo "study2_numbers: $check: no such file (expected the paper)" >&2; exit 2; }
fi
study=${1:-results/study2}
bin=${2:-build/lrlab}
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$study" ] || { echo "study2_numbers: $study: no such folder (expected the second study's results)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
protocol=(--tie task:0.01 --reading not-worse --interval crossed)

# copy: the committed files of arm folder $1 into $tmp/$2
copy() {
  mkdir -p "$tmp/$2"
  for f in runs.csv evals.csv plan.csv tasks.csv tuning.csv timing.csv provenance.txt; do
    for g in "$1/$f" "$1/$f".gz "$1/$f".[0-9]*-[0-9]*.gz; do [ -f "$g" ] && cp "$g" "$tmp/$2/"; done
  done
  return 0
}
# verdict FILE MEASURE: the primary row of verdict.csv, as the abstract quotes it
verdict() {
  awk -F, -v m="$2" 'NR > 1 && $1 == m { v = $11; gsub(/"/, "", v)
    printf "%.1f%% (%.1f-%.1f%%) of %d comparisons: %s\n", 100 * $7, 100 * $8, 100 * $9, $3, v }' "$1"
}
# wtl FILE BASELINE MEASURE: wins, ties and losses of the reference against BASELINE
wtl() {
  awk -F, -v b="$2" -v m="$3" 'NR > 1 && $1 == m && $5 == b { n++; w += $15 == "win"; l += $15 == "loss" }
    END { printf "%d wins, %d ties, %d losses of %d\n", w, n - w - l, l, n }' "$1"
}

numbers() {
arms=()
for a in primary hf-eval paper-train adafactor-default short-matched long long-hf-eval; do
  has=0
  for g in "$study/$a/runs.csv" "$study/$a/runs.csv".gz "$study/$a/runs.csv".1-*.gz; do [ -f "$g" ] && has=1; done
  [ $has = 1 ] || continue
  copy "$study/$a" "$a"
  arms+=("$a")
  "$bin" compare "$tmp/$a" "${protocol[@]}" > "$tmp/$a.txt"
  echo "arm $a: $(verdict "$tmp/$a/verdict.csv" train_loss)"
done
if [ -d "$tmp/primary" ]; then
  mkdir -p "$tmp/alt"
  cp -r "$tmp/primary" "$tmp/alt/paper" && cp -r "$tmp/primary" "$tmp/alt/ni"
  "$bin" compare "$tmp/alt/paper" --tie paper --reading not-worse --interval crossed > /dev/null
  "$bin" compare "$tmp/alt/ni" --tie task:0.01 --reading non-inferior --interval crossed > /dev/null
  echo "primary, the paper's tie rule: $(verdict "$tmp/alt/paper/verdict.csv" train_loss)"
  echo "primary, non-inferior: $(verdict "$tmp/alt/ni/verdict.csv" train_loss)"
  for b in sls hd-group hd-param; do
    echo "against $b, training objective: $(wtl "$tmp/primary/tests.csv" "$b" train_loss)"
  done
  "$bin" compare "$tmp/alt/paper" --measure evals_to_target "${protocol[@]}" > /dev/null
  echo "against sls, evaluations to target: $(wtl "$tmp/alt/paper/tests.csv" sls evals_to_target)"
  more=()
  if [ ${#arms[@]} -gt 1 ]; then
    # short-matched is primary's own cells on a smaller design: not a specification of its own
    for a in "${arms[@]}"; do [ "$a" = primary ] || [ "$a" = short-matched ] || more+=("$tmp/$a"); done
    "$bin" compare "$tmp/primary" "${more[@]}" --multiverse "${protocol[@]}" > "$tmp/mv.txt"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "verdict") c = i }
      NR > 1 { n++; v = $c; gsub(/"/, "", v); s += v == "supported"; x += v == "not supported" }
      END { printf "multiverse: %d specifications over '"$((${#more[@]} + 1))"' arms: %d supported (%.1f%%), %d not supported (%.1f%%), %d undecided (%.1f%%)\n",
            n, s, 100 * s / n, x, 100 * x / n, n - s - x, 100 * (n - s - x) / n }' "$tmp/primary/multiverse.csv"
  fi
fi
if [ -f "$study/size/tasks.csv" ]; then
  copy "$study/size" size
  "$bin" compare "$tmp/size" --trend > "$tmp/size.txt"
  awk -F, 'NR > 1 && $1 == "pooled" && $3 == "all" { printf "size: S = %.2f, one-sided p = %.4g (%s, %s permutations)\n", $5, $8, $10, $9 }' \
    "$tmp/size/trend-test.csv"
fi
# the learned schedule (section 7), from the folders beside STUDY: against each heuristic and
# the equal-cost grid on the held-out data, and the transfer policy against its grid
rl=$(dirname "$study")
for p in dnn mlp; do
  [ -f "$rl/eval_rl_$p/runs.csv" ] && [ -f "$rl/grid_rl_$p/runs.csv" ] || continue
  bash "$here/rl_tables.sh" "$rl/eval_rl_$p" val_loss | awk -v p="$p" -F'|' 'NR > 2 && NF > 3 {
    gsub(/ |\*/, "", $2); line = "learned " p ", " $2 ", mean final validation loss:"
    for (i = 3; i < NF; i++) { gsub(/^ +| +$|\*/, "", $i); line = line " " h[i] " " $i }
    print line } NR == 1 { for (i = 3; i < NF; i++) { h[i] = $i; gsub(/ /, "", h[i]) } }'
  bash "$here/rl_vs_grid.sh" "$rl/grid_rl_$p" "$rl/eval_rl_$p" | awk -v p="$p" -F'|' 'NR > 2 {
    for (i = 2; i < NF; i++) gsub(/^ +| +$/, "", $i)
    printf "learned %s, %s, against the equal-cost grid (%s runs, best rate %s): %s against %s, lower on %s seeds, sign test p = %s\n",
      p, $2, $3, $4, $6, $5, $7, $8 }'
done
if [ -f "$rl/policies/dnn-training.csv" ]; then
  awk -F, 'NR > 1 { w += $4; c += $5; e = $3 } END { printf "learned dnn, training: %d episodes, %.0f s wall, %.0f s CPU\n", e, w, c }' \
    "$rl/policies/dnn-training.csv"
fi
}
numbers | tee "$tmp/numbers.txt"

if [ -n "$check" ]; then
  # every percentage and p-value the abstract quotes must be one of these numbers, or one
  # of the first study's (scripts/paper_numbers.sh on results/paper)
  bash "$here/paper_numbers.sh" "${FIRST_STUDY:-results/paper}" "$bin" >> "$tmp/numbers.txt"
  # the abstract from where it turns to the second study (the first study's numbers come
  # from paper_numbers.sh, the learned schedules' from their own scripts)
  abstract=$(awk '/^## Abstract/ { on = 1; next } /^## / { on = 0 } on' "$check" | tr '\n' ' ' |
             sed -n 's/.*\(a second study\)/\1/p')
  [ -n "$abstract" ] || { echo "study2_numbers: $check: the abstract does not mention a second study" >&2; exit 1; }
  missing=0
  while read -r n; do
    # a number as a whole token ("72.4%" in the abstract is "72.4" in "72.4-87.3%")
    v=${n%\%}
    grep -qE -- "(^|[^0-9.])${v//./\\.}([^0-9]|\$)" "$tmp/numbers.txt" \
      || { echo "study2_numbers: $check: the abstract quotes $n, which no result gives" >&2; missing=1; }
  done < <(grep -oE '[0-9]+\.[0-9]+%|p = [0-9]+(\.[0-9]+)?(e-?[0-9]+)?' <<< "$abstract" | sort -u)
  exit $missing
fi
