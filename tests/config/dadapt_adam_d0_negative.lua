-- bad: D-Adaptation's initial d must be positive (the reference raises)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "dadapt_adam" { lr = 1.0, d0 = -1e-6 } },
  schedulers = { scheduler "constant" {} },
}
