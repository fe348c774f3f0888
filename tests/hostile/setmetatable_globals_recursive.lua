-- hostile: a globals' __index that reads the globals again: endless metamethod recursion
setmetatable(_G, { __index = function(t, k) return t[k] end })
local x = anything
