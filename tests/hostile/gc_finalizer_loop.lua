-- hostile: a finalizer that never returns (Lua runs __gc with hooks off, beyond the
-- instruction limit): refused when the metatable is set
setmetatable({}, { __gc = function() while true do end end })
