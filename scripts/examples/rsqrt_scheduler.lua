    -- a scheduler defined in Lua (scripts/reuse_demo.sh adds it to scripts/paper.lua): a
    -- linear warmup over the first 5% of the steps, then the inverse square root of the step
    -- (Vaswani et al. 2017's schedule, normalised to lr0 at the end of the warmup)
    scheduler "lua" { label = "rsqrt",
      lr = function(step, ctx)
        local w = math.max(1, ctx.total_steps // 20)
        local s = step + 1
        if s < w then return ctx.lr0 * s / w end
        return ctx.lr0 * math.sqrt(w / s)
      end },
