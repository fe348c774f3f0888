-- bad: schedule-free SGD's own warmup_steps must be >= 0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd_sf" { lr = 0.1, warmup_steps = -5 } },
  schedulers = {
    scheduler "constant" {},
  },
}
