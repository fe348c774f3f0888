-- bad: wsd's min_lr_ratio is a fraction of the lr, in [0, 1]
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "wsd" { num_decay_steps = 20, min_lr_ratio = 1.5 },
  },
}
