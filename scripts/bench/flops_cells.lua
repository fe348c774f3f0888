-- flops_cells.lua - short cells of every task of scripts/paper.lua, to time the tasks on the
-- machine at hand beside the committed results/paper/timing.csv (scripts/bench/flops.py and
-- scripts/bench/RESULTS.md, "Where the machine's limit is"). The task lines are paper.lua's,
-- with its budgets; two optimizers (plain SGD and Adam), the constant schedule, six seeds.
-- --define evals=1 makes one evaluation per run instead of paper.lua's 20 or 10 (a cell then
-- evaluates 4 times: at the start and at the stages, 10, 50 and 100% of its steps); the
-- difference between the two runs' seconds is the time of the evaluations.
--
--   ./build/lrlab run scripts/bench/flops_cells.lua --out /tmp/flops-cells -j 1
--   ./build/lrlab run scripts/bench/flops_cells.lua --define evals=1 --out /tmp/flops-few -j 1
--   python3 scripts/bench/flops.py /tmp/flops-cells --sgemm-gflops X
local few = define.evals == "1"
if define.evals ~= nil and not few then
  error("flops_cells.lua: define evals: invalid value (expected 1 or no define, got "
        .. tostring(define.evals) .. ")")
end

-- steps and evaluations of a task (20 evaluations a run unless said; 1 with --define evals=1)
local function budget(steps, evals)
  return { steps = steps, eval_every = steps // (few and 1 or evals or 20) }
end

local function with(t, extra)
  for k, v in pairs(extra) do t[k] = v end
  return t
end

experiment {
  name = few and "flops_cells_few" or "flops_cells",
  seeds = { 1, 2, 3, 4, 5, 6 },
  tasks = {
    task "nmf" (with({ label = "nmf-faces", dataset = "faces", rank = 16, batch = 16 }, budget(1000))),
    task "nmf" (with({ label = "nmf-fashion", dataset = "fashion", samples = 2000, rank = 16,
                       batch = 32 }, budget(600))),
    task "nmf" (with({ label = "nmf-kjv", dataset = "kjv", vocab = 1024, rank = 16, batch = 32 },
                     budget(600))),
    task "nmf" (with({ label = "nmf-synthetic", dataset = "synthetic", m = 256, n = 500,
                       true_rank = 10, rank = 10, noise = 0.1, batch = 25 }, budget(1000))),
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
    optimizer "sgd" { label = "sgd", lr = 0.01 },
    optimizer "adam" { label = "adam", lr = 0.001 },
  },
  schedulers = {
    scheduler "constant" { label = "constant" },
  },
}
