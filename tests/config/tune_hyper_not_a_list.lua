-- tune: a grid is a list of numbers
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, schedulers = { hd = { beta = 1e-3 } } },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
