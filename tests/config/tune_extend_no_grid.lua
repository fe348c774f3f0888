-- tune: extend needs an lr grid to extend
experiment {
  name = "bad", seeds = { 1, 2 }, tune = { seed = 100, extend = 2 },
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {}, scheduler "hd" {} },
}
