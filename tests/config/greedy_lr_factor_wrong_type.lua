-- bad: greedy's max_lr_factor is a number, not a string
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "greedy" { max_lr_factor = "10" },
  },
}
