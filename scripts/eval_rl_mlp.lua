-- eval_rl_mlp.lua - the learned schedule for neural networks (scheduler "rl",
-- results/policies/mlp.policy, trained by scripts/policy_mlp.lua on MNIST and synthetic
-- clusters) against cosine annealing, step and exponential decay, GreedyLR and a constant
-- rate, on Fashion-MNIST, which the policy never saw: an MLP of a width it did not see and a
-- small LeNet-style CNN (an architecture it did not see, with 8 parameter groups where the
-- policy saw 4 or 6). Seeds 1 to 10; 500 steps of SGD, evaluated every 25 (the policy's
-- decision interval). Equal cost: every scheduler gets its lr0 from the same five tuning
-- runs on seed 100 (by validation loss), then the same evaluation runs; "constant" so
-- tuned is the grid search over constant rates at the cost of any other entry.
--
--   ./build/lrlab run scripts/eval_rl_mlp.lua -j 2
--   ./build/lrlab compare results/eval_rl_mlp --reference rl --measure val_loss --tie paper --interval units

experiment {
  name = "eval_rl_mlp",
  seeds = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
  tune = { seed = 100, by = "val_loss" },
  tasks = {
    task "mlp" { label = "fashion-mlp-48", dataset = "fashion", widths = 48, batch = 32,
                 val_size = 1000, train_eval_size = 1000, steps = 500, eval_every = 25 },
    task "cnn" { label = "fashion-cnn", dataset = "fashion", c1 = 4, c2 = 8, hidden = 32,
                 batch = 32, val_size = 1000, train_eval_size = 1000, steps = 500,
                 eval_every = 25 },
  },
  optimizers = { optimizer "sgd" { lr = { 0.01, 0.03, 0.1, 0.3, 1 } } },
  schedulers = {
    scheduler "rl" { policy = "results/policies/mlp.policy" },
    scheduler "cosine" {},
    scheduler "step" {},
    scheduler "exponential" { gamma = 0.995 }, -- x0.08 over the run
    scheduler "constant" {},
    scheduler "greedy" { min_lr = 0.001, max_lr = 1 },
  },
}
