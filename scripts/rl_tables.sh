#!/usr/bin/env bash
# rl_tables.sh - the tables of paper.md section 5: per held-out task, the mean over seeds of
# the final value of MEASURE for every scheduler (the lowest in bold), and on how many seeds
# the learned schedule (scheduler "rl") was lower than each other one; then the mean ranks of
# the schedulers over the folder's problems (ranks.csv, written by lrlab compare).
# usage: bash scripts/rl_tables.sh DIR MEASURE   (MEASURE train_loss or val_loss)
#   e.g. bash scripts/rl_tables.sh results/eval_rl_nmf train_loss
#        bash scripts/rl_tables.sh results/eval_rl_mlp val_loss
set -euo pipefail
if [ $# -ne 2 ] || [ ! -f "$1/runs.csv" ]; then
  echo "usage: $0 DIR train_loss|val_loss (DIR with runs.csv)" >&2
  exit 2
fi
awk -F, -v m="$2" '
  FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["stage"] != 100 { next }
  {
    t = $col["task"]; s = $col["scheduler"]; seed = $col["seed"]
    v = $col["status"] == "ok" ? $col[m] + 0 : 1e308
    if (!(t in seen_t)) { seen_t[t] = 1; tasks[++nt] = t }
    if (!(s in seen_s)) { seen_s[s] = 1; scheds[++ns] = s }
    sum[t, s] += v; n[t, s]++; val[t, s, seed] = v; seeds[t, seed] = 1
  }
  END {
    printf "| task |"; for (j = 1; j <= ns; j++) printf " %s |", scheds[j]; printf "\n|---|"
    for (j = 1; j <= ns; j++) printf "---:|"; printf "\n"
    for (i = 1; i <= nt; i++) {
      t = tasks[i]; best = ""
      for (j = 1; j <= ns; j++) { s = scheds[j]; mean[s] = sum[t, s] / n[t, s]
        if (best == "" || mean[s] < mean[best]) best = s }
      printf "| %s |", t
      for (j = 1; j <= ns; j++) {
        s = scheds[j]; f = sprintf("%.4g", mean[s]); if (s == best) f = "**" f "**"
        if (s == "rl") { printf " %s |", f; continue }
        w = 0; k = 0
        for (key in seeds) { split(key, p, SUBSEP); if (p[1] != t) continue
          k++; w += val[t, "rl", p[2]] < val[t, s, p[2]] }
        printf " %s (%d/%d) |", f, w, k
      }
      printf "\n"
    }
  }' "$1/runs.csv"
if [ -f "$1/ranks.csv" ]; then
  echo
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { printf "%s%s %.2f", n++ ? ", " : "mean ranks: ", $col["scheduler"], $col["mean_rank"] } END { print "" }' "$1/ranks.csv"
fi
