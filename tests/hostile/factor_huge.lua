-- hostile: a scheduler factor of 1e308 * 10 (inf)
experiment { name = "x", seeds = { 1 }, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "greedy" { factor = 1e308 * 10 } } }
