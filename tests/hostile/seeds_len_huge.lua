-- hostile: a seed list claiming 2^63 - 1 entries through __len
local seeds = setmetatable({ 1 }, { __len = function() return math.maxinteger end })
experiment { name = "x", seeds = seeds, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = 0.1 } }, schedulers = { scheduler "constant" {} } }
