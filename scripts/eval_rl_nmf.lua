-- eval_rl_nmf.lua - the learned NMF schedule (scheduler "rl", results/policies/nmf.policy,
-- trained by scripts/policy_nmf.lua) against step decay, exponential decay, a constant
-- rate, cosine annealing and GreedyLR, on seeds and data the policy never saw.
--
-- The policy trained on the LFW faces (ranks 8, 16, 32) and three planted synthetic
-- matrices, with seeds 101 to 116. Here: seeds 1 to 10; the faces at rank 12 (a rank it did
-- not see), a synthetic matrix of another size, rank and noise (data seed 99), and two data
-- sets it never saw: Fashion-MNIST images and King James Bible chapters (tf-idf). Every run
-- is projected SGD with the stability bound enforced (clip_to_bound: the lr of each factor
-- is capped at 1.9 / L, and runs.csv counts the clips), 1000 steps, evaluated every 50 (the
-- decision interval the policy was trained with, so its validation-trend feature means the
-- same). Each scheduler gets its own lr0 from the grid, chosen on tuning seed 100 by the
-- final training objective: equal tuning budget for all.
--
--   ./build/lrlab run scripts/eval_rl_nmf.lua -j 2            results in results/eval_rl_nmf/
--   ./build/lrlab compare results/eval_rl_nmf --reference rl --tie paper --interval units: the learned schedule vs the rest

local function nmf(t)
  t.steps, t.eval_every, t.clip_to_bound, t.batch = 1000, 50, true, t.batch or 16
  return task "nmf" (t)
end

experiment {
  name = "eval_rl_nmf",
  seeds = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
  tune = { seed = 100, by = "train_loss" },
  tasks = {
    nmf { label = "faces-r12", dataset = "faces", rank = 12 },
    nmf { label = "synthetic-r15", dataset = "synthetic", m = 300, n = 600, true_rank = 15,
          rank = 15, noise = 0.2, data_seed = 99, batch = 25 },
    nmf { label = "fashion-r16", dataset = "fashion", samples = 2000, rank = 16 },
    nmf { label = "kjv-r16", dataset = "kjv", vocab = 1000, rank = 16 },
  },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3, 1, 3, 10 } } },
  schedulers = {
    scheduler "rl" { policy = "results/policies/nmf.policy" },
    scheduler "step" {},                       -- x0.1 at 1/3 and 2/3 of the run
    scheduler "exponential" { gamma = 0.997 }, -- x0.05 over the run
    scheduler "constant" {},
    scheduler "cosine" {},
    scheduler "greedy" { signal = "train_step", smooth = true, window = 50, patience = 10,
                         factor = 0.95, min_lr = 0.001, max_lr = 10 },
  },
}
