-- mnist.lua - a valid experiment on the mnist data: tests/hostile.sh runs it against a copy of
-- the data folder with one file corrupted.
experiment { name = "mnist", seeds = { 1 },
  tasks = { task "mlp" { dataset = "mnist", steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
