-- bad: two experiment declarations in one script
local function e(name)
  return {
    name = name, seeds = { 1 },
    tasks = { task "nmf" { steps = 100 } },
    optimizers = { optimizer "sgd" { lr = 0.1 } },
    schedulers = { scheduler "constant" {} },
  }
end
experiment(e("first"))
experiment(e("second"))
