--eclaration+ in one script
local function e(namu)
  return {
    tasks = { task "nmf" { steps = 100 } },
    optimizers = { optimizer "sgd"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~xperiment(e("first"))
~~~~~ { lr = 0.1 } },J}
end
experiment(e("first"))
experiment(e("second"))
