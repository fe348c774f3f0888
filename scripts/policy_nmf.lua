-- policy_nmf.lua - trains the learned NMF schedule, results/policies/nmf.policy, which
-- scripts/eval_rl_nmf.lua compares with the heuristics on seeds and data it never saw.
--
--   ./build/lrlab train-policy scripts/policy_nmf.lua            about 4 CPU minutes
--   ./build/lrlab train-policy scripts/policy_nmf.lua --resume   after an interruption
--
-- Episodes: 1000 steps of projected SGD on stochastic NMF with the stability bound enforced
-- (clip_to_bound: each factor's lr is capped at 1.9 / L, paper/paper.md section 5.1), lr0 drawn from
-- {0.3, 1, 3, 10}, seeds from 101 to 116. The task distribution mixes regimes: the LFW faces at
-- three ranks and small planted matrices (100 epochs in 1000 steps: the run converges and
-- the noise floor decides), and larger planted matrices seen for a few epochs only (the run
-- is still descending at the end). Every 50 steps the policy multiplies the lr by 0.5, 0.8,
-- 1, 1.25 or 2; the reward is the decrease of the log training objective (harness/engine/ppo.c).

local function nmf(t)
  t.clip_to_bound = true
  return task "nmf" (t)
end

policy_training {
  name = "nmf",
  seeds = { 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116 },
  tasks = {
    nmf { label = "faces-r8", dataset = "faces", rank = 8, batch = 16 },
    nmf { label = "faces-r16", dataset = "faces", rank = 16, batch = 16 },
    nmf { label = "faces-r32", dataset = "faces", rank = 32, batch = 16 },
    nmf { label = "small-r5", dataset = "synthetic", m = 256, n = 500, true_rank = 5, rank = 5,
          batch = 25, data_seed = 11 },
    nmf { label = "small-r10", dataset = "synthetic", m = 256, n = 500, true_rank = 10,
          rank = 10, batch = 25, data_seed = 12 },
    nmf { label = "small-r20", dataset = "synthetic", m = 256, n = 500, true_rank = 20,
          rank = 20, noise = 0.3, batch = 25, data_seed = 13 },
    nmf { label = "large-r10", dataset = "synthetic", m = 100, n = 3000, true_rank = 10,
          rank = 10, batch = 16, val_every = 10, data_seed = 14 },
    nmf { label = "large-r20", dataset = "synthetic", m = 150, n = 4000, true_rank = 20,
          rank = 16, noise = 0.2, batch = 8, val_every = 10, data_seed = 15 },
  },
  optimizer = optimizer "sgd" { lr = { 0.3, 1, 3, 10 } },
  episodes = 2400, batch = 8, steps = 1000, every = 50, seed = 1,
  -- features that mean the same whatever the scale of the data: the lr is seen against the
  -- stability bound, not in absolute terms, and the gradient norms are left out
  inputs = "progress|train_trend|val_trend|clipped|lr_bound",
}
