-- bad: greedy's upper bound given both as max_lr and as max_lr_factor
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "greedy" { max_lr_factor = 10, max_lr = 1 },
  },
}
