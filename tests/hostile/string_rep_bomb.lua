-- hostile: string.rep asked for a terabyte; the allocator cap refuses it
local s = string.rep("x", 2^40)
