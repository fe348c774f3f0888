-- bad: slice_p is a whole number of elements
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { steps = 100 } },
  optimizers = { optimizer "prodigy" { lr = 1.0, slice_p = 2.5 } },
  schedulers = { scheduler "constant" {} },
}
