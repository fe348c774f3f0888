-- tune: its keys are seed, seeds, by, extend and schedulers
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, extnd = 2 },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
