-- tune: the ratio of the grid's edge-most values must be finite to step by it
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, extend = 2 },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 1e-300, 1e300 } } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
