-- lua_sched.lua - schedulers written in Lua: a closed form, a feedback rule with state in
-- ctx, one that keeps state in a global (each run must start from the script's state: the
-- rate halves only if the count of an earlier run leaks in), one that returns nil and one
-- that never returns; used by tests/lua_sched.sh.
local halve = 100
experiment { name = "luas", seeds = { 1, 2 },
  tasks = { task "nmf" { dataset = "synthetic", m = 40, n = 120, rank = 5, batch = 8,
                         steps = 300, eval_every = 50 } },
  optimizers = { optimizer "sgd" { lr = 0.5 } },
  schedulers = {
    scheduler "lua" { label = "halving",
      lr = function(step, ctx) return ctx.lr0 * 0.5 ^ (step // halve) end },
    scheduler "lua" { label = "feedback",
      lr = function(step, ctx) return ctx.lr0 * (ctx.scale or 1) end,
      observe = function(signal, step, value, ctx)
        if signal == "eval" then
          if ctx.best and value > ctx.best * 0.999 then ctx.scale = (ctx.scale or 1) * 0.5 end
          ctx.best = math.min(ctx.best or math.huge, value)
        end
      end },
    scheduler "lua" { label = "global",
      lr = function(step, ctx)
        calls = (calls or 0) + 1
        return calls <= 300 and ctx.lr0 or ctx.lr0 / 2
      end },
    scheduler "lua" { label = "broken",
      lr = function(step, ctx) if step > 10 then return nil end return 0.1 end },
    scheduler "lua" { label = "endless",
      lr = function(step, ctx) if step == 5 then while true do end end return 0.1 end },
  } }
