-- huge_evals.lua - a plan whose cells would hold a billion evaluations each (tens of GB):
-- refused by --check and run before anything is written.
experiment { name = "huge_evals", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8,
                         steps = 1000000000, eval_every = 1 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = { scheduler "constant" {} } }
