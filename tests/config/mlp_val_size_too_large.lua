-- bad: the synthetic set has 200 images and val_size holds all of them out
experiment {
  name = "bad",
  seeds = { 1 },
  tasks = { task "mlp" { dataset = "synthetic", n = 200, val_size = 200, steps = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
