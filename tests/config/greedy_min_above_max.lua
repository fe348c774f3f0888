-- bad: greedy's bounds are inverted
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "greedy" { min_lr = 0.5, max_lr = 0.01 },
  },
}
