-- study2.lua - the second study's matrix, one arm per run (paper/protocol.md fixes every
-- choice below before any of its results existed; section numbers refer to it):
--
--   ./build/lrlab run scripts/study2.lua --define arm=primary --out results/study2/primary \
--       --reuse results/paper -j 2
--
-- Arms (protocol section 3), each its own result folder whose provenance names it:
--   primary            GreedyLR as Hugging Face transformers merged it (variant hf) on the
--                      training loss smoothed over 50 steps; every baseline; six optimizers,
--                      Adafactor as the Trainer configures it; the budgets of the first study
--   hf-eval            the same, GreedyLR hf on the validation loss after each evaluation
--                      (the reference's intended use; no smoothing)
--   paper-train        the same, GreedyLR as the authors' research code (variant paper) on the
--                      smoothed training loss (the first study's GreedyLR, with the bounds below)
--   adafactor-default  the primary arm with Adafactor's class defaults (relative step, scaled
--                      by the parameters' RMS) in place of the Trainer's setting
--   long               four times the steps (and evaluations at the same interval) on every
--                      task; GreedyLR of the primary arm against constant, cosine, linear,
--                      step, plateau, hd-group and sls; SGD with momentum and Adam; ten seeds
--   long-hf-eval       the long arm with the hf-eval arm's GreedyLR
--   short-matched      the primary arm restricted to the long arms' optimizers, baselines and
--                      seeds (the protocol's matched subset, section 6 item 3): every cell is
--                      one of primary's, so --reuse results/study2/primary trains none
--
-- Shared by every arm (protocol section 4):
-- * GreedyLR's patience 10, factor 0.95 and smoothing window 50 are the paper's small-model
--   values in every arm and budget; its bounds are relative to the cell's start rate: a floor
--   at 10% of it (the paper's min_lr) and a ceiling at 10 times it, so that it can rise a
--   decade above the tuned rate.
-- * Tuning: every rate of the optimizer's grid on the tuning seeds 100 and 101, ranked by the
--   mean final validation loss; up to two rates added past an edge the choice sits on (extend
--   = 2); hypergradient descent's beta tuned with the rate on the same tuning runs, over
--   1e-7, 1e-5 and 1e-3 (Baydin et al. 2018 used 1e-7 with Adam and 1e-3 with SGD). The same
--   for every scheduler; tuning.csv records each one's tuning runs.
-- * Seeds 1 to 12 (the long arm 1 to 10): 12 seeds let each of the 39 comparisons of a
--   task and optimizer reach significance after Holm's correction (39 x 2 / 2^12 < 0.05);
--   the long arm has 7 baselines x 3 stages = 21 comparisons, and 21 x 2 / 2^10 < 0.05.
-- design: every optimizer, baseline and seed ("full"), or the long arms' fewer ("reduced")
local arms = {
  primary = { greedy = "hf-train", adafactor = "trainer", budget = "short", design = "full" },
  ["hf-eval"] = { greedy = "hf-eval", adafactor = "trainer", budget = "short", design = "full" },
  ["paper-train"] = { greedy = "paper-train", adafactor = "trainer", budget = "short",
                      design = "full" },
  ["adafactor-default"] = { greedy = "hf-train", adafactor = "default", budget = "short",
                            design = "full" },
  long = { greedy = "hf-train", adafactor = "trainer", budget = "long", design = "reduced" },
  ["long-hf-eval"] = { greedy = "hf-eval", adafactor = "trainer", budget = "long",
                       design = "reduced" },
  ["short-matched"] = { greedy = "hf-train", adafactor = "trainer", budget = "short",
                        design = "reduced" },
}
local names = "primary, hf-eval, paper-train, adafactor-default, long, long-hf-eval, " ..
              "short-matched"
local arm = arms[define.arm or ""]
if not arm then
  error("study2.lua: define arm: unknown or missing (expected --define arm=NAME with NAME one of "
        .. names .. ", got " .. tostring(define.arm) .. ")")
end
local long = arm.budget == "long"
local reduced = arm.design == "reduced"
local scale = long and 4 or 1

-- steps and evaluations of a task in the short budget; the long budget multiplies both, so
-- that an evaluation comes every as many steps in both
local function budget(steps, evals)
  evals = evals or 20
  return { steps = steps * scale, eval_every = steps // evals }
end

local function with(t, extra)
  for k, v in pairs(extra) do t[k] = v end
  return t
end

local seeds = {}
for s = 1, reduced and 10 or 12 do seeds[#seeds + 1] = s end

-- the first study's tasks, unchanged (scripts/paper.lua)
local tasks = {
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
}

-- Adafactor: Hugging Face's Trainer (--optim adafactor: scale_parameter, relative_step and
-- warmup_init off, the Trainer's rate; its update is RMS-clipped to 1, so its rates are
-- Adam's) or the class defaults (relative step min(1e-2, 1/sqrt(t)) scaled by the
-- parameters' RMS; the scheduler's rate is then a dimensionless factor, 1 being the default).
-- Both are labelled "adafactor", so that the arms compare the same optimizer names; the
-- arm (adafactor=trainer or default) and the provenance say which one a folder ran.
local adafactor = arm.adafactor == "trainer"
    and optimizer "adafactor" { label = "adafactor", scale_parameter = false,
                                lr = { 0.0001, 0.001, 0.01 } }
    or optimizer "adafactor" { label = "adafactor", relative_step = true,
                               scale_parameter = true, lr = { 0.1, 1.0, 10.0 } }

local optimizers = {
  optimizer "sgd" { label = "sgd", lr = { 0.01, 0.1, 1.0 } },
  optimizer "sgd" { label = "sgd-momentum", momentum = 0.9, lr = { 0.001, 0.01, 0.1 } },
  optimizer "adam" { label = "adam", lr = { 0.0001, 0.001, 0.01 } },
  optimizer "adamw" { label = "adamw", weight_decay = 0.01, lr = { 0.0001, 0.001, 0.01 } },
  optimizer "adagrad" { label = "adagrad", lr = { 0.001, 0.01, 0.1 } },
  adafactor,
}
if reduced then optimizers = { optimizers[2], optimizers[3] } end

local bounds = { min_lr_factor = 0.1, max_lr_factor = 10 }
local greedy = {
  ["hf-train"] = scheduler "greedy" (with({ label = "greedy", variant = "hf",
                                            signal = "train_step", smooth = true, window = 50,
                                            patience = 10, factor = 0.95 }, bounds)),
  ["hf-eval"] = scheduler "greedy" (with({ label = "greedy", variant = "hf", signal = "eval",
                                           patience = 10, factor = 0.95 }, bounds)),
  ["paper-train"] = scheduler "greedy" (with({ label = "greedy", variant = "paper",
                                               signal = "train_step", smooth = true,
                                               window = 50, patience = 10, factor = 0.95 },
                                             bounds)),
}

-- the first study's baselines and settings (scripts/paper.lua); the reduced design keeps
-- those marked `long`
local baselines = {
  { scheduler "constant" { label = "constant" }, long = true },
  { scheduler "hf_constant" { label = "constant-warmup", num_warmup_steps = 20 } },
  { scheduler "hf_linear" { label = "linear" }, long = true },
  { scheduler "cosine" { label = "cosine" }, long = true },
  { scheduler "hf_polynomial" { label = "polynomial", power = 2 } },
  { scheduler "step" { label = "step", gamma = 0.3 }, long = true },
  { scheduler "exponential" { label = "exponential", gamma = 0.995 } },
  { scheduler "cosine_restarts" { label = "cosine-restarts" } },
  { scheduler "onecycle" { label = "onecycle" } },
  { scheduler "plateau" { label = "plateau", signal = "eval", patience = 2, factor = 0.5 },
    long = true },
  { scheduler "hd" { label = "hd-group", granularity = "group" }, long = true },
  { scheduler "hd" { label = "hd-param", granularity = "param" } },
  { scheduler "sls" { label = "sls" }, long = true },
}
local schedulers = { greedy[arm.greedy] }
for _, b in ipairs(baselines) do
  if b.long or not reduced then schedulers[#schedulers + 1] = b[1] end
end

local beta = { beta = { 1e-7, 1e-5, 1e-3 } }
local hyper = { ["hd-group"] = beta }
if not reduced then hyper["hd-param"] = beta end

experiment {
  name = "study2-" .. define.arm,
  arm = { greedy = arm.greedy, adafactor = arm.adafactor, budget = arm.budget,
          design = arm.design },
  seeds = seeds,
  tune = { seeds = { 100, 101 }, extend = 2, schedulers = hyper },
  tasks = tasks,
  optimizers = optimizers,
  schedulers = schedulers,
}
