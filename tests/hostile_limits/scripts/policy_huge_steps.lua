-- policy_huge_steps.lua - a policy training whose batch of decisions (a billion steps, one
-- decision each) needs thousands of GB: refused naming steps, every and batch.
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
  episodes = 8, batch = 4, steps = 1000000000, every = 1, seed = 3, hidden = 8,
}
