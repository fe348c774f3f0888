-- hostile: string.rep past the largest string Lua can describe
local s = string.rep("xy", math.maxinteger)
