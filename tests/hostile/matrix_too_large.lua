-- hostile: 1.2 million cells (20 schedulers x 60000 seeds): refused before allocation
local seeds, scheds = {}, {}
for i = 1, 60000 do seeds[i] = i end
for i = 1, 20 do scheds[i] = scheduler "constant" { label = "c" .. i } end
experiment { name = "x", seeds = seeds, tasks = { task "nmf" { dataset = "synthetic" } },
  optimizers = { optimizer "sgd" { lr = 0.1 } }, schedulers = scheds }
