-- bad: wsd's warmup, stable and decay phases (10 + 50 + 60) end after the 100-step run
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "wsd" { num_warmup_steps = 10, num_stable_steps = 50, num_decay_steps = 60 },
  },
}
