-- hostile: stack overflows caught by pcall, forever: the instruction limit ends it
local function f(n) return 1 + f(n + 1) end
while true do pcall(f, 1) end
