-- hostile: NaN inside an lr grid
experiment { name = "x", seeds = { 1 }, tune = { seed = 9 },
  tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = { 0.1, 0 / 0, 1 } } }, schedulers = { scheduler "constant" {} } }
