-- bad: schedule-free SGD's weight_lr_power must be >= 0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd_sf" { lr = 0.1, weight_lr_power = -1 } },
  schedulers = {
    scheduler "constant" {},
  },
}
