-- hostile: unbounded recursion of a Lua function: stack overflow, no crash
local function f(n) return 1 + f(n + 1) end
f(1)
