-- hostile: an lr grid whose entries raise when read; lrlab reads lists raw (no metamethod
-- runs while it holds memory), so the entries are simply missing
local grid = setmetatable({}, { __len = function() return 3 end,
                                __index = function(t, i) error("no entry " .. i) end })
experiment { name = "x", seeds = { 1 }, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = grid } }, schedulers = { scheduler "constant" {} } }
