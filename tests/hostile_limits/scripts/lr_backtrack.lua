-- lr_backtrack.lua - a Lua lr whose string.find backtracks for minutes inside one C call,
-- where the instruction-count hook never fires: the cell must end failed, the matrix go on.
experiment { name = "lr_backtrack", seeds = { 1 },
  tasks = { task "nmf" { dataset = "synthetic", m = 20, n = 40, rank = 3, batch = 8, steps = 20,
                         eval_every = 10 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = {
    scheduler "constant" {},
    scheduler "lua" { lr = function(step, ctx)
      if step == 3 then string.find(string.rep("a", 40), string.rep("a*", 30) .. "b") end
      return ctx.lr0
    end } } }
