-- lr_gsub_backtrack.lua - a Lua lr stuck in string.gsub with a backtracking pattern on every
-- call: each Lua cell ends failed within the call watchdog's 5 s, the others are trained.
experiment { name = "gsub_backtrack", seeds = { 1, 2 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8, steps = 20,
                         eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = {
    scheduler "constant" {},
    scheduler "lua" { lr = function(step, ctx)
      string.gsub(string.rep("a", 40), string.rep("a*", 30) .. "b", "")
      return ctx.lr0
    end } } }
