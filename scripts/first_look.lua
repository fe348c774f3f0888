-- first_look.lua - a first look at the schedule-free and learning-rate-free baselines: GreedyLR
-- (with AdamW) against warmup-stable-decay (AdamW), schedule-free AdamW (its reference's
-- constant rate) and Prodigy (constant and cosine), on three problems of 1,000 steps, five
-- seeds, every method at its reference's default rate and nothing tuned. Not a verdict: the
-- second study tunes and repeats them (paper/paper.md). 180 runs, under a minute on two cores:
--
--   ./build/lrlab run scripts/first_look.lua -j 2 && bash scripts/first_look.sh
local steps = 1000
local function budget(t) t.steps = steps; t.eval_every = steps // 20; return t end

experiment {
  name = "first_look",
  seeds = { 1, 2, 3, 4, 5 },
  tasks = {
    task "quadratic" (budget({ label = "quadratic", dim = 100, condition = 100, sigma = 0.1 })),
    task "rosenbrock" (budget({ label = "rosenbrock", dim = 10, sigma = 0.1 })),
    task "nmf" (budget({ label = "nmf-synthetic", dataset = "synthetic", m = 256, n = 500,
                         true_rank = 10, rank = 10, noise = 0.1, batch = 25 })),
  },
  optimizers = {
    optimizer "adamw" { lr = 0.001 },         -- PyTorch's default
    optimizer "adamw_sf" { lr = 0.0025 },     -- schedule_free 1.4.1's default
    optimizer "prodigy" { lr = 1.0 },         -- prodigy 1.1.2's default: the step is d * lr
  },
  schedulers = {
    scheduler "greedy" { signal = "train_step", smooth = true, window = 50, patience = 10,
                         factor = 0.95, min_lr_factor = 0.1, max_lr_factor = 10 },
    -- warmup 5%, stable, then a cosine decay over the last 20% (Hugging Face's get_wsd_schedule)
    scheduler "wsd" { num_warmup_steps = steps // 20, num_decay_steps = steps // 5 },
    scheduler "constant" {},
    scheduler "cosine" {},
  },
}
