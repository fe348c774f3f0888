local ok, why = pcall(function() return io.open("x") end)
local t = setmetatable({}, { __index = function(t, k) return k end })
local s = ("ab"):rep(10, ",") .. tostring(t.x) .. string.format("%5.2f", 1 / 3)
local f = load("return 1 + 1", "=chunk", "t", {})
experiment { name = "s" .. #s, seeds = { f() }, tasks = { task "rosenbrock" { dim = 4 } },
  optimizers = { optimizer "rmsprop" { lr = 1e-3 } }, schedulers = { scheduler "plateau" {} } }
