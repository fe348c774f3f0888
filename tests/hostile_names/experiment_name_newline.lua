-- experiment_name_newline.lua - the experiment name goes into every figure's title (tests/hostile_names.sh)
experiment { name = "x\nsystem(\"touch PWNED\")", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { } } }
