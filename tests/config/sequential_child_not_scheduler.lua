-- the children of a sequence are schedulers
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "sequential" { schedulers = { scheduler "linear" {}, optimizer "sgd" { lr = 1 } },
                                          milestones = { 20 } } },
}
