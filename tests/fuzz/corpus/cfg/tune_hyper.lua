-- tune_hyper.lua - a scheduler hyperparameter tuned with the learning rate: hypergradient
-- descent's beta over {1e-7, 1e-5, 1e-3} (1e-7: Baydin et al. 2018's setting for Adam-HD,
-- 1e-3 for SGD-HD) crossed with sgd's lr grid, on the same tuning runs as the constant
-- schedule's; the scheduler's own beta (1e-4) is not in the grid, so an evaluation cell that
-- used it would have another id. Used by tests/tune_stage.sh.
experiment { name = "tune_hyper", seeds = {1}, tune = { seed = 100,
                 schedulers = { hd = { beta = {1e-7, 1e-5, 1e-3} } } },
  tasks = { task "quadratic" { dim = 10, condition = 10, noise = "none", rotate = false,
                               steps = 100, eval_every = 50 } },
  optimizers = { optimizer "sgd" { lr = {0.01, 0.03} }, optimizer "adam" { lr = 0.01 } },
  schedulers = { scheduler "constant" {}, scheduler "hd" { beta = 1e-4 } } }
