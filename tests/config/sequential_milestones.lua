-- a sequence of two schedulers needs exactly one milestone
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "sequential" { schedulers = { scheduler "linear" {}, scheduler "cosine" {} },
                                          milestones = { 20, 50 } } },
}
