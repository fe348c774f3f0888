-- bad: warmup and decay (10 + 95) leave no room for wsd's derived stable phase in the 100-step run
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "wsd" { num_warmup_steps = 10, num_decay_steps = 95 },
  },
}
