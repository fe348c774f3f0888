-- rl_train.lua - a policy trained in seconds for tests/rl_cli.sh: two batches of four
-- 100-step episodes on two small planted NMF matrices (no data files needed).
policy_training {
  name = "tiny",
  seeds = { 1, 2, 3 },
  tasks = {
    task "nmf" { label = "a", dataset = "synthetic", m = 30, n = 60, true_rank = 3, rank = 3,
                 batch = 6, clip_to_bound = true },
    task "nmf" { label = "b", dataset = "synthetic", m = 20, n = 80, true_rank = 4, rank = 4,
                 batch = 8, data_seed = 2, clip_to_bound = true },
  },
  optimizer = optimizer "sgd" { lr = { 0.5, 2 } },
  episodes = 8, batch = 4, steps = 100, every = 10, seed = 3, hidden = 8,
}
