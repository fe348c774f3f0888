-- hostile: a table of a billion integers; the allocator cap refuses it
local t = {}
for i = 1, 1000000000 do t[i] = i end
