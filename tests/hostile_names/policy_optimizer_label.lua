-- policy_optimizer_label.lua - the optimizer's label of a policy training follows the rule too
-- (run by tests/hostile_names.sh with lrlab train-policy)
policy_training { name = "p", seeds = { 1 },
  tasks = { task "quadratic" { steps = 20 } },
  optimizer = optimizer "sgd" { lr = 0.01, label = "../sgd" }, episodes = 2, steps = 20, every = 10 }
