-- hostile: a seed of 2^63 (a float past every integer)
experiment { name = "x", seeds = { 2^63 }, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = 0.1 } }, schedulers = { scheduler "constant" {} } }
