-- hostile: an error object that is a table with a looping __tostring (never called)
error(setmetatable({}, { __tostring = function() while true do end end }))
