-- bad: the optimizer's lr is above greedy's max_lr
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 2.0 } },
  schedulers = {
    scheduler "greedy" { max_lr = 1.0 },
  },
}
