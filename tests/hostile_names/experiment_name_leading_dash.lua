-- experiment_name_leading_dash.lua - the rule for names is the same for experiments (tests/hostile_names.sh)
experiment { name = "-x", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { } } }
