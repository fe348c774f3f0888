-- label_slash.lua - a slash would place figures/<task>__... in another folder (tests/hostile_names.sh)
experiment { name = "names", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10, label = "a/b" } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { } } }
