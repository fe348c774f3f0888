-- bad: 0/0 is NaN, never in range
local lr = 0 / 0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "sgd" { lr = lr } },
  schedulers = { scheduler "constant" {} },
}
