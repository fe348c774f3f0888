-- hostile: an infinite learning rate
experiment { name = "x", seeds = { 1 }, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = math.huge } }, schedulers = { scheduler "constant" {} } }
