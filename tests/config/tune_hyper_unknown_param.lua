-- tune: a scheduler's grid names its own parameters
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, schedulers = { hd = { betta = { 1e-7, 1e-3 } } } },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
