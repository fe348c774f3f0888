-- grid_rl_dnn.lua - a grid search over constant learning rates that costs what training the
-- learned schedule of scripts/policy_dnn.lua cost, on the task of scripts/eval_rl_dnn.lua
-- (the DNN paper's "full grid search at equal cost"; paper/protocol.md section 7). Equal cost
-- as scripts/grid_rl_mlp.lua defines it: runs of the same length, as many as the policy's
-- training episodes.
--
-- results/policies/dnn.policy took 1600 training runs of 300 SGD steps. The same budget buys
-- 32 constant rates (log-spaced from 0.003 to 3) x 50 seeds (201 to 250) of 300 steps: 1600
-- runs. The grid searches the held-out half of the data itself, which favours it; the policy
-- trained on the other half. The rate with the lowest mean final validation loss over the 50
-- grid seeds is then read on the evaluation seeds 1 to 10, which this experiment also trains,
-- against scheduler "rl" on the same seeds:
--
--   ./build/lrlab run scripts/eval_rl_dnn.lua -j 2
--   ./build/lrlab run scripts/grid_rl_dnn.lua -j 2 --quiet
--   bash scripts/rl_vs_grid.sh results/grid_rl_dnn results/eval_rl_dnn

local lrs = {}
for i = 0, 31 do lrs[#lrs + 1] = 0.003 * 1000 ^ (i / 31) end

local optimizers = {}
for _, lr in ipairs(lrs) do
  optimizers[#optimizers + 1] = optimizer "sgd" { label = string.format("sgd-%.4g", lr), lr = lr }
end

local seeds = {}
for s = 1, 10 do seeds[#seeds + 1] = s end
for s = 201, 250 do seeds[#seeds + 1] = s end

experiment {
  name = "grid_rl_dnn",
  seeds = seeds,
  tasks = {
    task "mlp" { label = "fashion-mlp-64-held-out", dataset = "fashion", widths = 64,
                 batch = 64, val_size = 1000, train_eval_size = 1000, first_image = 30000,
                 steps = 300, eval_every = 30 },
  },
  optimizers = optimizers,
  schedulers = { scheduler "constant" {} },
}
