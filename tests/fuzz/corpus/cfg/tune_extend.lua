-- tune_extend.lua - grid-edge extension on a problem whose best rate lies far above the grid:
-- gradient descent on a diagonal quadratic with eigenvalues from 1 to 10 (no noise) diverges
-- for lr > 2 / 10 and converges fastest at 2 / 11; the grid {1e-4, 3e-4, 1e-3} tops out two
-- orders of magnitude below. With extend = 6 the constant schedule walks up at the grid's
-- ratio (10/3) to 0.1234567901 and stops inside once 0.4115226337 diverges; greedy, whose
-- max_lr = 0.05 refuses a higher starting rate, stops at the optimizer's side of its range
-- (edge-range). Used by tests/tune_stage.sh.
experiment { name = "tune_extend", seeds = {1}, tune = { seed = 100, extend = 6 },
  tasks = { task "quadratic" { dim = 10, condition = 10, noise = "none", rotate = false,
                               steps = 100, eval_every = 50 } },
  optimizers = { optimizer "sgd" { lr = {1e-4, 3e-4, 1e-3} } },
  schedulers = { scheduler "constant" {},
                 scheduler "greedy" { signal = "train_step", min_lr = 1e-5, max_lr = 0.05 } } }
