-- label_quote_newline_system.lua - ends a single-quoted gnuplot string and runs a command (tests/hostile_names.sh)
experiment { name = "names", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { label = "x'\nsystem(\"touch PWNED\")\n'" } } }
