-- experiment_name_nul.lua - a NUL in the experiment name (tests/hostile_names.sh)
experiment { name = "ab\0cd", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { } } }
