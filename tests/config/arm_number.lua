-- arm: a name or a table of names
experiment {
  name = "bad", seeds = { 1, 2 }, arm = 3,
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" {} },
}
