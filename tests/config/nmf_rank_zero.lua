-- a factorization of rank 0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", rank = 0 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
