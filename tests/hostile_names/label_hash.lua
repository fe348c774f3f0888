-- label_hash.lua - a gnuplot comment (tests/hostile_names.sh)
experiment { name = "names", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" { label = "a#b" } } }
