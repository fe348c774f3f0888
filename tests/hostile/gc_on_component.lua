-- hostile: replacing the finalizer of lrlab's components through getmetatable
local t = task "nmf" { dataset = "synthetic" }
getmetatable(t).__gc = function() while true do end end
