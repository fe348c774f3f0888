-- tune: no tuning seed may be an evaluation seed
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seeds = { 100, 2 } },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
