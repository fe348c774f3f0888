-- tune: extend is an integer
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, extend = 1.5 },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
