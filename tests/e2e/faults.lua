-- faults.lua - numeric faults for tests/faults.sh: on the clean quadratic f = 1/2 |w - w*|^2
-- (condition 1, no rotation) SGD multiplies the loss by (1 - lr)^2 each step, so each cell
-- diverges at a step known in advance (diverge_factor 1e3: loss > 1000 x the first loss):
--   sgd lr 0.1         never (the loss shrinks by 0.81 a step)
--   sgd-absurd lr 1e6  step 1 (x ~1e12 in one step)
--   sgd-explode lr 2.5 step 9 (x 2.25 a step: 2.25^8 = 657 < 1000 < 2.25^9 = 1478)
--   boom               lr0 for steps 0..4, then 1e6: step 6 (or earlier, as above)
-- and quadratic-inf gets gradient noise of standard deviation 1e300, infinite once in single
-- precision (Inf in the data): its first step makes w infinite, its loss at step 1 NaN.
experiment { name = "faults", seeds = { 1, 2 },
  tasks = {
    task "quadratic" { dim = 4, condition = 1, rotate = false, noise = "none", steps = 40,
                       eval_every = 10 },
    task "quadratic" { label = "quadratic-inf", dim = 4, condition = 1, rotate = false,
                       noise = "gaussian", sigma = 1e300, loss_sigma = 0, steps = 40,
                       eval_every = 10 },
  },
  optimizers = {
    optimizer "sgd" { lr = 0.1 },
    optimizer "sgd" { label = "sgd-absurd", lr = 1e6 },
    optimizer "sgd" { label = "sgd-explode", lr = 2.5 },
  },
  schedulers = {
    scheduler "constant" {},
    scheduler "lua" { label = "boom", lr = function(step, ctx)
      if step < 5 then return ctx.lr0 end
      return 1e6
    end },
  },
}
