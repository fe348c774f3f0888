local seeds = {}
for i = 1, 3 do seeds[#seeds + 1] = i * 7 end
experiment { name = "luasched", seeds = seeds,
  tasks = { task "quadratic" { dim = 8, condition = 100, noise = "gaussian", sigma = 0.01, steps = 100 } },
  optimizers = { optimizer "adam" { lr = 0.01, label = "adam" }, optimizer "sgd" { lr = 0.1, momentum = 0.9 } },
  schedulers = { scheduler "cosine" { eta_min = 0.0001, warmup_steps = 10 },
                 scheduler "lua" { lr = function(step, ctx) return ctx.lr0 * 0.5 ^ (step // 20) end },
                 scheduler "sequential" { schedulers = { scheduler "linear" {}, scheduler "cosine" {} }, milestones = { 50 } },
                 scheduler "greedy" { factor = 0.9, patience = 2, min_lr = 1e-5 } } }
