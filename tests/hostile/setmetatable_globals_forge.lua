-- hostile: a forged globals' metatable answering every name; require gives no library
setmetatable(_G, { __index = function(_, k) return function() return k end end })
local os = require("os")
os.execute("touch /tmp/lrlab-pwned")
