#!/usr/bin/env bash
# first_look.sh - the table of scripts/first_look.lua: per problem, the median final training
# loss over the five seeds of GreedyLR with AdamW and of each new baseline, and in how many
# seeds GreedyLR's final training loss is the lower (paired by seed; no tolerance, no test:
# a first look, not a verdict).
# usage: bash scripts/first_look.sh [DIR]   (DIR default results/first_look)
set -euo pipefail
dir=${1:-results/first_look}
[[ -f $dir/runs.csv ]] || { echo "first_look: $dir/runs.csv: missing (run ./build/lrlab run scripts/first_look.lua first)" >&2; exit 2; }
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["stage"] == 100 {
    k = $col["optimizer"] "+" $col["scheduler"]
    v[$col["task"], k, $col["seed"]] = $col["status"] == "ok" ? $col["train_loss"] : "inf"
    if (!($col["task"] in seen)) { seen[$col["task"]] = 1; tasks[++nt] = $col["task"] }
    seeds[$col["seed"]] = 1
  }
  function median(t, k,   n, s, a, i, j, x) {
    n = 0
    for (s in seeds) a[++n] = v[t, k, s] + 0
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    ref = "adamw+greedy"
    m = split("adamw+wsd adamw+cosine adamw_sf+constant prodigy+constant prodigy+cosine", others, " ")
    printf "| problem | %s", ref
    for (i = 1; i <= m; i++) printf " | %s", others[i]
    printf " |\n|---|---:"
    for (i = 1; i <= m; i++) printf "|---:"
    printf "|\n"
    for (t = 1; t <= nt; t++) {
      printf "| %s | %.4g", tasks[t], median(tasks[t], ref)
      for (i = 1; i <= m; i++) {
        w = 0; n = 0
        for (s in seeds) { n++; if (v[tasks[t], ref, s] + 0 < v[tasks[t], others[i], s] + 0) w++ }
        printf " | %.4g (%d/%d)", median(tasks[t], others[i]), w, n
      }
      printf " |\n"
    }
  }' "$dir/runs.csv"
