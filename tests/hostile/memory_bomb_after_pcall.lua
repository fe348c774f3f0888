-- hostile: a memory bomb caught by pcall, then a table that grows until the cap refuses it
local ok = pcall(string.rep, "x", 2^40)
local t = {}
while true do t[#t + 1] = ("y"):rep(1000) .. #t end
