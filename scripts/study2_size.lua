-- study2_size.lua - the second study's model-size sweep (paper/protocol.md section 5): does
-- GreedyLR's advantage grow with the number of parameters ("faster convergence, especially
-- for large models")?
--
--   ./build/lrlab run scripts/study2_size.lua -j 2        results in results/study2/size
--   ./build/lrlab compare results/study2/size --trend     the trend test and figures/trend.png
--
-- Three families, four sizes each, every family spanning more than 30 times in parameter
-- count (the counts are in the folder's tasks.csv):
-- * the perceptron of the first study on Fashion-MNIST, hidden width 16, 64, 256, 1024;
-- * stochastic NMF of the faces, rank 4, 16, 64, 128;
-- * a character-level GPT-2-style transformer on the King James Bible, (width, blocks)
--   (16, 1), (32, 1), (64, 2), (96, 2) (a step of the largest takes about 15 ms here, so
--   larger ones would not fit the study's compute budget).
-- GreedyLR as in the primary arm (scripts/study2.lua) against constant, cosine and linear
-- decay, with Adam; the rate tuned per size as in every arm (tuning seeds 100 and 101, up to
-- two rates past an edge); ten seeds.
local seeds = {}
for s = 1, 10 do seeds[#seeds + 1] = s end

local tasks = {}
local function add(kind, t) tasks[#tasks + 1] = task(kind)(t) end
for _, w in ipairs({ 16, 64, 256, 1024 }) do
  add("mlp", { label = "mlp-w" .. w, dataset = "fashion", widths = { w }, batch = 64,
               val_size = 1000, train_eval_size = 1000, steps = 300, eval_every = 30 })
end
for _, r in ipairs({ 4, 16, 64, 128 }) do
  add("nmf", { label = "nmf-r" .. r, dataset = "faces", rank = r, batch = 16, steps = 1000,
               eval_every = 50 })
end
for _, s in ipairs({ { 16, 1 }, { 32, 1 }, { 64, 2 }, { 96, 2 } }) do
  add("charlm", { label = "charlm-d" .. s[1] .. "-l" .. s[2], dataset = "kjv",
                  model = "transformer", d_model = s[1], layers = s[2], heads = 4,
                  seq_len = 32, batch = 8, eval_batches = 2, steps = 300, eval_every = 30 })
end

experiment {
  name = "study2-size",
  arm = "size",
  seeds = seeds,
  tune = { seeds = { 100, 101 }, extend = 2 },
  tasks = tasks,
  optimizers = { optimizer "adam" { label = "adam", lr = { 0.0001, 0.001, 0.01 } } },
  schedulers = {
    scheduler "greedy" { label = "greedy", variant = "hf", signal = "train_step", smooth = true,
                         window = 50, patience = 10, factor = 0.95, min_lr_factor = 0.1,
                         max_lr_factor = 10 },
    scheduler "constant" { label = "constant" },
    scheduler "cosine" { label = "cosine" },
    scheduler "hf_linear" { label = "linear" },
  },
}
