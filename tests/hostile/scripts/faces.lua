-- faces.lua - a valid experiment on the faces data: tests/hostile.sh runs it against a copy of
-- the data folder with one file corrupted.
experiment { name = "faces", seeds = { 1 },
  tasks = { task "nmf" { dataset = "faces", rank = 4, batch = 16, steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
