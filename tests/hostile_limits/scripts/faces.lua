-- faces.lua - a valid experiment (a copy of tests/hostile/scripts/faces.lua): tests/hostile_limits.sh
-- runs it against a data path that is not a regular file, or under a small ulimit -v.
experiment { name = "faces", seeds = { 1 },
  tasks = { task "nmf" { dataset = "faces", rank = 4, batch = 16, steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
