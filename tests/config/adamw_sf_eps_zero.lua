-- bad: schedule-free AdamW's eps must be > 0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "adamw_sf" { lr = 0.1, eps = 0 } },
  schedulers = {
    scheduler "constant" {},
  },
}
