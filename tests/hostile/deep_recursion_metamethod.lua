-- hostile: recursion through a C boundary (__index calling itself): C stack overflow
local t = setmetatable({}, {})
getmetatable(t).__index = function(u, k) return u[k .. "x"] end
local x = t.a
