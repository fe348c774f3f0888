-- bad: growth_rate inf is written by leaving it unset
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "prodigy" { lr = 1.0, growth_rate = math.huge } },
  schedulers = { scheduler "constant" {} },
}
