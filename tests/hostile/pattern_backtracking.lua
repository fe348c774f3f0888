-- hostile: a pattern that backtracks 2^40 times inside one C call (string.find): the
-- instruction count cannot stop it, the CPU-time watchdog does
local s = string.rep("a", 40)
string.find(s, string.rep("a?", 40) .. string.rep("a", 40))
