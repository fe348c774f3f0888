-- bad: an experiment needs at least one seed
experiment {
  name = "bad",
  seeds = {},
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
