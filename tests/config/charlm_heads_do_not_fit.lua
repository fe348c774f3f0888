-- 4 heads do not divide a width of 30
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "charlm" { dataset = "synthetic", d_model = 30, heads = 4 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
