-- bad: the same seed twice would run the same cells twice
experiment {
  name = "bad",
  seeds = { 1, 2, 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
