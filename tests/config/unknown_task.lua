-- bad: no task by that name
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "mnist" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
