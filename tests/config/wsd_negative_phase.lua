-- bad: a phase of wsd cannot be negative
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "wsd" { num_warmup_steps = 10, num_stable_steps = -5, num_decay_steps = 20 },
  },
}
