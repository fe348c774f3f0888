-- a hidden layer of width 0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "mlp" { dataset = "synthetic", widths = { 64, 0 } } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
