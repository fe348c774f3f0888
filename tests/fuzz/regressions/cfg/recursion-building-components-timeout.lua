--eclaration+ in one script
local function e(namu)
  return {optimizers = { task "nmf" { steps = 100 } },
    optimizers = { optimizer "sgd"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~xperiment(e("first"))
~~~~~ { lr = 0.1 } },J}
end
ex(e("second"))
