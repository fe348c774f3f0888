-- rl.lua - scheduler "rl" in an experiment, with the committed tiny policy (trained by
-- tests/e2e/rl_train.lua), beside constant and step, on a planted NMF matrix with the
-- stability bound enforced. Run by tests/rl_cli.sh from the source folder.
experiment {
  name = "rl", seeds = { 1, 2 },
  tasks = { task "nmf" { dataset = "synthetic", m = 40, n = 100, true_rank = 4, rank = 4,
                         batch = 10, clip_to_bound = true, steps = 200, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 1 } },
  schedulers = {
    scheduler "rl" { policy = "tests/fixtures/rl/tiny.policy" },
    scheduler "rl" { label = "rl-sampled", policy = "tests/fixtures/rl/tiny.policy",
                     greedy = false, every = 20 },
    scheduler "constant" {},
    scheduler "step" {},
  },
}
