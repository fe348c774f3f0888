-- bad: greedy's min_lr_factor must be in (0, 1]
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "greedy" { min_lr_factor = 1.5 },
  },
}
