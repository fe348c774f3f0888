-- an unknown data set
experiment {
  name = "bad", seeds = { 1 },
  tasks = { task "nmf" { dataset = "cifar" } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {} },
}
