-- bad: schedule-free AdamW's beta2 must be in [0, 1)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "adamw_sf" { lr = 0.1, beta2 = 1 } },
  schedulers = {
    scheduler "constant" {},
  },
}
