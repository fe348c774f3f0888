-- tune: the tuning seeds must be distinct
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seeds = { 100, 101, 100 } },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
