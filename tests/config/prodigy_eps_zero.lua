-- bad: eps must be positive (the reference raises)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "prodigy" { lr = 1.0, eps = 0 } },
  schedulers = { scheduler "constant" {} },
}
