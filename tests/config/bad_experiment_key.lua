-- bad: experiment has no key "seed" (it is "seeds")
experiment {
  name = "bad",
  seed = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
