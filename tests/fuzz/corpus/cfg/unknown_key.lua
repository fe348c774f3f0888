-- bad: a key the scheduler does not have (typo of "factor")
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "greedy" { facter = 0.9 } },
}
