-- bad: schedule-free SGD's momentum must be in [0, 1) (the reference refuses 1)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd_sf" { lr = 0.1, momentum = 1 } },
  schedulers = {
    scheduler "constant" {},
  },
}
