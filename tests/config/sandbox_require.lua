-- bad: require is not in the sandbox
local lfs = require("lfs")
