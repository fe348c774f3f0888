-- hostile: an experiment table whose fields never finish being read
experiment(setmetatable({}, { __index = function(t, k) while true do end end }))
