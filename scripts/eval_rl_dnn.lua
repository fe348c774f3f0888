-- eval_rl_dnn.lua - the learned schedule with the DNN paper's state and reward (scheduler
-- "rl", results/policies/dnn.policy, trained by scripts/policy_dnn.lua; paper/protocol.md
-- section 7) against step decay, cosine annealing and a constant rate, on the task family it
-- was trained on, with seeds and data it never saw: the perceptron of scripts/paper.lua's
-- mlp-fashion (784-64-10, minibatches of 64, 300 SGD steps, evaluated every 30, the policy's
-- decision interval) on the second half of the Fashion-MNIST training file (first_image
-- 30000: training images 30000..58999, validation 59000..59999; the policy trained on the
-- first half), seeds 1 to 10. Equal tuning cost, as scripts/eval_rl_mlp.lua: every scheduler
-- gets its lr0 from the same five tuning runs on seed 100 (by validation loss), then the same
-- evaluation runs; "constant" so tuned is the grid search over constant rates at the cost of
-- any other entry. The grid search that costs what training the policy cost is
-- scripts/grid_rl_dnn.lua.
--
--   ./build/lrlab run scripts/eval_rl_dnn.lua -j 2
--   bash scripts/rl_tables.sh results/eval_rl_dnn val_loss
--   ./build/lrlab compare results/eval_rl_dnn --reference rl --measure val_loss --tie paper --interval units
--   bash scripts/rl_dnn.sh                       training, this, the grid and the comparison

experiment {
  name = "eval_rl_dnn",
  seeds = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
  tune = { seed = 100, by = "val_loss" },
  tasks = {
    task "mlp" { label = "fashion-mlp-64-held-out", dataset = "fashion", widths = 64,
                 batch = 64, val_size = 1000, train_eval_size = 1000, first_image = 30000,
                 steps = 300, eval_every = 30 },
  },
  optimizers = { optimizer "sgd" { lr = { 0.01, 0.03, 0.1, 0.3, 1 } } },
  schedulers = {
    scheduler "rl" { policy = "results/policies/dnn.policy" },
    scheduler "cosine" {},
    scheduler "step" {},
    scheduler "constant" {},
  },
}
