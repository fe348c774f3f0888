-- policy_name_quote.lua - a policy's name names its files and goes into a gnuplot title
-- (run by tests/hostile_names.sh with lrlab train-policy)
policy_training { name = "p'\nsystem(\"touch PWNED\")", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20 } },
  optimizer = optimizer "sgd" { lr = 0.01 }, episodes = 2, steps = 20, every = 10 }
