-- policy_mlp.lua - trains the learned schedule for small neural networks,
-- results/policies/mlp.policy, which scripts/eval_rl_mlp.lua compares with cosine annealing
-- and the other heuristics on Fashion-MNIST, a data set it never saw, for an MLP and a CNN.
--
--   ./build/lrlab train-policy scripts/policy_mlp.lua            about 8 CPU minutes
--   ./build/lrlab train-policy scripts/policy_mlp.lua --resume   after an interruption
--
-- Episodes: 500 steps of SGD on a multilayer perceptron (one or two hidden ReLU layers)
-- classifying MNIST digits or synthetic gaussian class clusters, lr0 drawn from {0.03, 0.1,
-- 0.3}, seeds 101 to 116. Every 25 steps the policy multiplies the lr by 0.5, 0.8, 1, 1.25
-- or 2; the reward is the decrease of the log validation loss (the DNN paper's signal,
-- paper/paper.md section 5.1), on 1000 held-out images evaluated every 25 steps. The policy sees the
-- progress through the budget and the recent trends of the training and validation losses,
-- not the lr or the gradient norms, whose scales change with the data and the network.

local function mlp(t)
  t.batch, t.val_size, t.train_eval_size = 32, 1000, 1000
  return task "mlp" (t)
end

policy_training {
  name = "mlp",
  seeds = { 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116 },
  tasks = {
    mlp { label = "mnist-32", dataset = "mnist", widths = 32 },
    mlp { label = "mnist-64-32", dataset = "mnist", widths = { 64, 32 } },
    mlp { label = "synthetic-32", dataset = "synthetic", widths = 32, n = 6000 },
    mlp { label = "synthetic-64-32", dataset = "synthetic", widths = { 64, 32 }, n = 6000,
          noise = 2.0, data_seed = 2 },
  },
  optimizer = optimizer "sgd" { lr = { 0.03, 0.1, 0.3 } },
  episodes = 1600, batch = 8, steps = 500, every = 25, reward = "val_loss", seed = 1,
  -- only features that mean the same whatever the data, the width or the architecture
  inputs = "progress|train_trend|val_trend",
}
