-- tune_seeds.lua - two tuning seeds: the choice ranks the mean of the final validation loss
-- over seeds 101 and 102. On this noisy quadratic seed 101 alone prefers lr 0.03 (0.0271
-- against 0.0554 at 0.01) while the mean prefers 0.01; 0.3 diverges on both (+inf).
-- Used by tests/tune_stage.sh.
experiment { name = "tune_seeds", seeds = {1}, tune = { seeds = {101, 102} },
  tasks = { task "quadratic" { dim = 10, condition = 10, sigma = 1, rotate = false,
                               steps = 200, eval_every = 50 } },
  optimizers = { optimizer "sgd" { lr = {0.01, 0.03, 0.1, 0.3} } },
  schedulers = { scheduler "constant" {} } }
