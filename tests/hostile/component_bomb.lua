-- hostile: ten million components kept alive; their memory is lrlab's, outside the Lua
-- allocator cap, so the number of constructor calls is limited instead
local t = {}
for i = 1, 10000000 do t[i] = scheduler "greedy" { factor = 0.5 } end
