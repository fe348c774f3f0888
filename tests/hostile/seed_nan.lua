-- hostile: NaN as a seed
experiment { name = "x", seeds = { 0 / 0 }, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = 0.1 } }, schedulers = { scheduler "constant" {} } }
