-- an lr grid needs a tuning stage
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", steps = 100 } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0.3, 1 } } },
  schedulers = { scheduler "constant" {} },
}
