-- bad: every optimizer needs lr
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { momentum = 0.9 } },
  schedulers = { scheduler "constant" {} },
}
