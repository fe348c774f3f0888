-- lr_backtrack_observe.lua - a Lua observe whose string.find backtracks inside one C call at
-- the first evaluation: the cell must end failed with the reason, the matrix go on.
experiment { name = "observe_backtrack", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8, steps = 20,
                         eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = {
    scheduler "constant" {},
    scheduler "lua" { lr = function(step, ctx) return ctx.lr0 end,
      observe = function(signal, step, value, ctx)
        if signal == "eval" then string.find(string.rep("a", 40), string.rep("a*", 30) .. "b") end
      end } } }
