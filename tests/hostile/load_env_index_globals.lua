-- hostile: load with an environment whose __index is the global table, asking it for os
local f = load("return os.execute('touch /tmp/lrlab-pwned')", "=chunk", "t",
               setmetatable({}, { __index = _G }))
f()
