-- bad: 150 images from image 100 on run past the 200 synthetic images
experiment {
  name = "bad",
  seeds = { 1 },
  tasks = { task "mlp" { dataset = "synthetic", n = 200, val_size = 20, first_image = 100,
                         images = 150, steps = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
