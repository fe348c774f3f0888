-- bad: an integer past the range (steps at most 1e9)
experiment {
  name = "bad", seeds = { 1 },
  tasks = {
    task "nmf" { steps = 1e300 },
  },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
