-- label_empty.lua - accepted by run once, refused later by merge and report (tests/hostile_names.sh)
experiment { name = "names", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01, label = "" } },
  schedulers = { scheduler "constant" { } } }
