-- tune: extend is a count of points
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, extend = -1 },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
