#!/usr/bin/env bash
# rl_vs_grid.sh - the learned schedule against the best constant rate of an equal-cost grid
# search (scripts/grid_rl_mlp.lua for eval_rl_mlp.lua, grid_rl_dnn.lua for eval_rl_dnn.lua:
# as many runs of the same length as the policy's training episodes): per task, the grid's
# rate with the lowest mean final validation loss over seeds 201 to 250 (a diverged run
# counts as +inf), then the final validation loss of that rate and of scheduler "rl" on the
# evaluation seeds 1 to 10, paired by seed (a diverged run loses), with the exact two-sided
# sign test. Prints a Markdown table.
# usage: bash scripts/rl_vs_grid.sh GRID_DIR EVAL_DIR
set -euo pipefail
if [ $# -ne 2 ] || [ ! -f "$1/runs.csv" ] || [ ! -f "$2/runs.csv" ]; then
  echo "usage: $0 GRID_DIR EVAL_DIR (each with a runs.csv: grid_rl_mlp.lua and eval_rl_mlp.lua, or grid_rl_dnn.lua and eval_rl_dnn.lua)" >&2
  exit 2
fi
awk -F, '
  FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; file++; next }
  $col["stage"] != 100 { next }
  {
    t = $col["task"]; s = $col["seed"] + 0
    v = $col["status"] == "ok" ? $col["val_loss"] + 0 : "inf"
  }
  file == 1 && s >= 201 && s <= 250 {
    o = $col["optimizer"]; key = t SUBSEP o
    if (!(key in n)) { opts[t] = opts[t] " " o; lr[key] = $col["lr0"] }
    n[key]++; if (v == "inf") bad[key] = 1; else sum[key] += v
    tasks[t] = 1
  }
  file == 1 && s >= 1 && s <= 10 { grid[t, $col["optimizer"], s] = v }
  file == 2 && $col["scheduler"] == "rl" && s >= 1 && s <= 10 { rl[t, s] = v }
  function mean(total, m, diverged) { # the mean, or how many runs diverged
    return diverged ? sprintf("%d diverged", diverged) : sprintf("%.4f", total / m)
  }
  function sign_p(k, m,   i, c, p, lo) { # exact two-sided sign test, k successes of m
    lo = k < m - k ? k : m - k; p = 0; c = 1
    for (i = 0; i <= lo; i++) { p += c; c = c * (m - i) / (i + 1) }
    p = 2 * p / 2 ^ m; return p > 1 ? 1 : p
  }
  END {
    print "| task | grid runs | best constant lr | its val. loss, seeds 1-10 | rl val. loss, seeds 1-10 | rl better | sign test p |"
    print "|---|---:|---:|---:|---:|---:|---:|"
    for (t in tasks) {
      best = ""; runs = 0
      split(substr(opts[t], 2), os, " ")
      for (i in os) {
        key = t SUBSEP os[i]; runs += n[key]
        if (bad[key]) continue
        m = sum[key] / n[key]
        if (best == "" || m < bm) { best = os[i]; bm = m }
      }
      k = 0; m = 0; gs = 0; rs = 0; gd = 0; rd = 0
      for (s = 1; s <= 10; s++) {
        if (!((t, best, s) in grid) || !((t, s) in rl)) continue
        g = grid[t, best, s]; r = rl[t, s]; m++
        if (g == "inf") gd++; else gs += g
        if (r == "inf") rd++; else rs += r
        if (r != "inf" && (g == "inf" || r < g)) k++
      }
      if (m == 0) { printf "| %s | %d | %s | (no paired seeds) | | | |\n", t, runs, lr[t SUBSEP best]; continue }
      printf "| %s | %d | %.4g | %s | %s | %d of %d | %.3g |\n", t, runs, lr[t SUBSEP best], mean(gs, m, gd), mean(rs, m, rd), k, m, sign_p(k, m)
    }
  }' "$1/runs.csv" "$2/runs.csv"
