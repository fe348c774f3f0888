-- bad: no task by that name (a typo of "nmf")
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nfm" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
