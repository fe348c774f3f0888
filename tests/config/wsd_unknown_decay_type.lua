-- bad: wsd's decay_type is linear, cosine or 1-sqrt
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = {
    scheduler "wsd" { num_decay_steps = 20, decay_type = "sqrt" },
  },
}
