-- hostile: a finalizer on the global table, to run when the state closes
setmetatable(_G, { __gc = function() while true do end end, __index = getmetatable(_G).__index })
