-- bad: two optimizers with the same label
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = {
    optimizer "sgd" { lr = 0.1 },
    optimizer "sgd" { lr = 0.2 },
  },
  schedulers = { scheduler "constant" {} },
}
