-- bad: components are built but no experiment is declared
local t = task "nmf" { steps = 100 }
local o = optimizer "sgd" { lr = 0.1 }
local s = scheduler "constant" {}
