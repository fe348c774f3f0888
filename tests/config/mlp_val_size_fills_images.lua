-- bad: a validation split of 50 leaves no training image among the 50 images used
experiment {
  name = "bad",
  seeds = { 1 },
  tasks = { task "mlp" { dataset = "synthetic", n = 200, val_size = 50, first_image = 100,
                         images = 50, steps = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
