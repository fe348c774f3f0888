-- hostile: a finalizer put on the string metatable (strings are never finalized); the
-- script then never declares an experiment
getmetatable("").__gc = function() while true do end end
local s = ("x"):rep(10)
