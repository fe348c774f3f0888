-- bad: 200 synthetic images leave fewer than 2 from image 199 on
experiment {
  name = "bad",
  seeds = { 1 },
  tasks = { task "mlp" { dataset = "synthetic", n = 200, val_size = 20, first_image = 199, steps = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
