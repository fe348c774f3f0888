-- bad: 2^53 + 1 as a Lua integer: it cannot be held exactly, so it must not round to 2^53
experiment {
  name = "bad", seeds = { 1 },
  tasks = {
    task "nmf" { batch = 9007199254740993 },
  },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
