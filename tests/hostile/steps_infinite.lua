-- hostile: infinitely many steps
experiment { name = "x", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", steps = math.huge } },
  optimizers = { optimizer "sgd" { lr = 0.1 } }, schedulers = { scheduler "constant" {} } }
