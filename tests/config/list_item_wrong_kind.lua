-- bad: a scheduler where a task is expected
experiment {
  name = "bad", seeds = { 1 },
  tasks = { scheduler "constant" {} },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
