-- bad: growth_rate below 1 would freeze d at d0
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "dadapt_adam" { lr = 1.0, growth_rate = 0.5 } },
  schedulers = { scheduler "constant" {} },
}
