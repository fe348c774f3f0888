-- bad: greedy's lower bound given both as min_lr and as min_lr_factor
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "greedy" { min_lr = 0.01, min_lr_factor = 0.1 },
  },
}
