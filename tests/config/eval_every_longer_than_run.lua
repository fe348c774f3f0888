-- bad: no evaluation would ever happen
experiment {
  name = "bad", seeds = { 1 },
  tasks = {
    task "nmf" { steps = 100, eval_every = 500 },
  },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
