-- label_double_underscore.lua - "__" joins a task's and an optimizer's names in figure file
-- names: task "a__b" with optimizer "c" and task "a" with optimizer "b__c" would share
-- figures/a__b__c.png (tests/hostile_names.sh)
experiment { name = "names", seeds = { 1 },
  tasks = { task "quadratic" { label = "a__b", steps = 20, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.01 } },
  schedulers = { scheduler "constant" {} } }
