-- the tuning seed must not be an evaluation seed
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 2 },
  tasks = { task "nmf" { dataset = "synthetic", steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {} },
}
