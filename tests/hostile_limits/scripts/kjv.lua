-- kjv.lua - a valid experiment (a copy of tests/hostile/scripts/kjv.lua): tests/hostile_limits.sh
-- runs it against a data path that is not a regular file, or under a small ulimit -v.
experiment { name = "kjv", seeds = { 1 },
  tasks = { task "charlm" { dataset = "kjv", steps = 20 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } }, schedulers = { scheduler "constant" {} } }
