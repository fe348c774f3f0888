-- experiment_name_64.lua - one byte over the limit (tests/hostile_names.sh)
experiment { name = string.rep("e", 64), seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { } } }
