-- bad: 150 training images cannot fill a batch of 160
experiment {
  name = "bad",
  seeds = { 1 },
  tasks = { task "cnn" { dataset = "synthetic", n = 200, val_size = 50, batch = 160, steps = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
