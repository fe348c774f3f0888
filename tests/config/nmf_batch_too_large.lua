-- bad: the faces data has 160 training samples, fewer than one batch (needs: faces)
experiment {
  name = "bad", seeds = { 1 },
  tasks = {
    task "nmf" { dataset = "faces", batch = 1000, steps = 100 },
  },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
