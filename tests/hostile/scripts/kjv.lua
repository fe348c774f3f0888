-- kjv.lua - a valid experiment on the kjv data: tests/hostile.sh runs it against a copy of
-- the data folder with one file corrupted.
experiment { name = "kjv", seeds = { 1 },
  tasks = { task "charlm" { dataset = "kjv", steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
