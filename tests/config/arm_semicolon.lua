-- arm: a string arm is one name
experiment {
  name = "bad", seeds = { 1, 2 }, arm = "a=b;c=d",
  tasks = { task "quadratic" { dim = 4, steps = 100 } },
  optimizers = { optimizer "sgd" { lr = 0.1 } },
  schedulers = { scheduler "constant" {}, scheduler "greedy" {} },
}
