-- bad: wsd's num_training_steps disagrees with the three phases given
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "wsd" { num_warmup_steps = 10, num_stable_steps = 50, num_decay_steps = 30, num_training_steps = 100 },
  },
}
