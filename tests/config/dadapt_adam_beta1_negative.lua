-- bad: betas must lie in [0, 1) (the reference raises)
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "dadapt_adam" { lr = 1.0, beta1 = -0.1 } },
  schedulers = { scheduler "constant" {} },
}
