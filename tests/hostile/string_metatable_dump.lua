-- hostile: string.dump (bytecode out) reached through the string metatable: removed
local dump = getmetatable("").__index.dump
dump(print)
