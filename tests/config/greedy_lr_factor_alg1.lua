-- bad: greedy's alg1 variant has no bounds, so no min_lr_factor
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "greedy" { variant = "alg1", min_lr_factor = 0.1 },
  },
}
