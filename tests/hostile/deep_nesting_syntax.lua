-- hostile: a chunk nested 100000 parentheses deep, given to load: the parser refuses it
local src = string.rep("(", 100000) .. "1" .. string.rep(")", 100000)
local f, why = load("return " .. src, "=nested")
error(why, 0)
