-- hostile: string.rep with a separator, a gigabyte in all; the allocator cap refuses it
local s = ("ab"):rep(10000000, ("c"):rep(100))
