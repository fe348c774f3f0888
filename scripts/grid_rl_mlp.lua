-- grid_rl_mlp.lua - a grid search over constant learning rates that costs what training
-- the learned schedule cost, on the tasks of scripts/eval_rl_mlp.lua.
--
-- results/policies/mlp.policy took 1600 training runs of 500 SGD steps (policy_mlp.lua).
-- The same budget buys, per task, 32 constant rates (log-spaced from 0.003 to 3) x 50 seeds
-- (201 to 250) of 500 steps: 1600 runs. The grid searches the evaluation tasks themselves,
-- which favours it; the policy never saw Fashion-MNIST. The rate with the lowest mean final
-- validation loss over the 50 grid seeds is then read on the evaluation seeds 1 to 10,
-- which this experiment also trains, against scheduler "rl" on the same seeds:
--
--   ./build/lrlab run scripts/eval_rl_mlp.lua -j 2
--   ./build/lrlab run scripts/grid_rl_mlp.lua -j 2 --quiet
--   bash scripts/rl_vs_grid.sh results/grid_rl_mlp results/eval_rl_mlp

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
  name = "grid_rl_mlp",
  seeds = seeds,
  tasks = {
    task "mlp" { label = "fashion-mlp-48", dataset = "fashion", widths = 48, batch = 32,
                 val_size = 1000, train_eval_size = 1000, steps = 500, eval_every = 25 },
    task "cnn" { label = "fashion-cnn", dataset = "fashion", c1 = 4, c2 = 8, hidden = 32,
                 batch = 32, val_size = 1000, train_eval_size = 1000, steps = 500,
                 eval_every = 25 },
  },
  optimizers = optimizers,
  schedulers = { scheduler "constant" {} },
}
