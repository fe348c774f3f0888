-- fashion.lua - a valid experiment on the fashion data: tests/hostile.sh runs it against a copy of
-- the data folder with one file corrupted.
experiment { name = "fashion", seeds = { 1 },
  tasks = { task "mlp" { dataset = "fashion", steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
