-- label_leading_dash.lua - an option to the tools a researcher runs on figures (tests/hostile_names.sh)
experiment { name = "names", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01, label = "-x" } },
  schedulers = { scheduler "constant" { } } }
