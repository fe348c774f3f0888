-- arms.lua - one script, the arms of a small study: `lrlab run arms.lua --define arm=NAME`
-- picks the scheduler (constant or cosine) of a synthetic quadratic with a tuning stage (an
-- lr grid chosen on seed 100), two seeds, 40 steps. Any other arm, or none, stops the script
-- with a line that names the arms. Used by tests/define_cli.sh and tests/slurm.sh.
local schedulers = {
  constant = scheduler "constant" {},
  cosine = scheduler "cosine" { eta_min = 0.001 },
}
local arm = define.arm
if not schedulers[arm] then
  error("define.arm: unknown arm (expected constant or cosine, as lrlab run arms.lua --define "
        .. "arm=cosine, got " .. tostring(arm) .. ")")
end
experiment { name = "arms", arm = arm, seeds = { 1, 2 }, tune = { seed = 100 },
  tasks = { task "quadratic" { dim = 8, condition = 10, steps = 40, eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = { 0.01, 0.03 } } },
  schedulers = { schedulers[arm] } }
