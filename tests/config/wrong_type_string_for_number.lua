-- bad: a number given as a string
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = "0.1" } },
  schedulers = { scheduler "constant" {} },
}
