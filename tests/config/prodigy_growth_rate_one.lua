-- bad: growth_rate 1 would freeze d at d0 (unset is unbounded)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "prodigy" { lr = 1.0, growth_rate = 1 } },
  schedulers = { scheduler "constant" {} },
}
