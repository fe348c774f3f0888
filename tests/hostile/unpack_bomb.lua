-- hostile: a hundred million values on the stack at once
local t = {}
local x = table.unpack(t, 1, 100000000)
