-- matrix.lua - the slice of the first study's matrix (scripts/paper.lua) that
-- scripts/bench/matrix.sh trains in lrlab and, as the same cells, in PyTorch
-- (scripts/bench/matrix_torch.py): the network tasks and the synthetic problems of paper.lua
-- with their shapes and budgets, constant, cosine, linear and GreedyLR (paper.lua's
-- settings), Adam at one learning rate (no tuning round), seeds 1 to 3: 84 cells.
local function budget(steps, evals) return { steps = steps, eval_every = steps // (evals or 20) } end

local function with(t, extra)
  for k, v in pairs(extra) do t[k] = v end
  return t
end

experiment {
  name = "matrix",
  seeds = { 1, 2, 3 },
  tasks = {
    task "quadratic" (with({ label = "quadratic", dim = 100, condition = 100, sigma = 0.1 },
                           budget(1000))),
    task "rosenbrock" (with({ label = "rosenbrock", dim = 10, sigma = 0.1 }, budget(1000))),
    task "rastrigin" (with({ label = "rastrigin", dim = 10, sigma = 0.1 }, budget(1000))),
    task "mlp" (with({ label = "mlp-fashion", dataset = "fashion", widths = { 64 }, batch = 64,
                       val_size = 1000, train_eval_size = 1000 }, budget(300, 10))),
    task "cnn" (with({ label = "cnn-fashion", dataset = "fashion", c1 = 4, c2 = 8, hidden = 32,
                       batch = 32, val_size = 500, train_eval_size = 500 }, budget(150, 10))),
    task "charlm" (with({ label = "charlm-kjv", dataset = "kjv", model = "mlp", context = 8,
                          seq_len = 32, hidden = 64, embed = 16, batch = 16, eval_batches = 2 },
                        budget(300, 10))),
    task "textcls" (with({ label = "textcls-spam", dataset = "spam", model = "logistic",
                           bits = 12, batch = 32 }, budget(400, 10))),
  },
  optimizers = {
    optimizer "adam" { label = "adam", lr = 0.001 },
  },
  schedulers = {
    scheduler "greedy" { label = "greedy", variant = "paper", signal = "train_step",
                         smooth = true, window = 50, patience = 10, factor = 0.95,
                         min_lr = 0.0001, max_lr = 1.0 },
    scheduler "constant" { label = "constant" },
    scheduler "hf_linear" { label = "linear" },
    scheduler "cosine" { label = "cosine" },
  },
}
