-- rl_train_dnn.lua - a policy with the DNN paper's state and reward, trained in seconds for
-- tests/rl_cli.sh: two batches of four 60-step episodes of a small perceptron on synthetic
-- clusters (no data files needed); the policy sees the last validation loss, the progress
-- and the gradient norms of the perceptron's four parameter groups.
local function mlp(t)
  t.dataset, t.n, t.noise, t.val_size, t.train_eval_size, t.batch = "synthetic", 600, 0.5, 100, 100, 16
  return task "mlp" (t)
end

policy_training {
  name = "tinydnn",
  seeds = { 1, 2, 3 },
  tasks = { mlp { label = "a", widths = 8 }, mlp { label = "b", widths = 6, data_seed = 2 } },
  optimizer = optimizer "sgd" { lr = { 0.1, 0.3 } },
  episodes = 8, batch = 4, steps = 60, every = 10, seed = 5, hidden = 8,
  reward = "dnn", reward_gamma = 2, reward_lambda = 0.05,
  inputs = "log_val|progress|log_grad0|log_grad1|log_grad2|log_grad3",
}
