-- policy_huge_episodes.lua - a policy training of ten million episodes, whose records alone
-- exceed the memory budget under the test's ulimit -v: refused naming episodes.
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
  episodes = 10000000, batch = 4, steps = 100, every = 10, seed = 3, hidden = 8,
}
